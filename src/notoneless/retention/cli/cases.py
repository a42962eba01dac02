"""``retention cases``: the ledgers from a terminal (open, suspected, dropouts, closed; overdue steps)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notoneless.registry.models import Division
from notoneless.retention import selectors
from notoneless.subcommands import county_user


def register(sub: Any) -> None:
    p = sub.add_parser("cases", help="list the cases of a ledger (default: open), or overdue steps")
    p.add_argument("--ledger", default="open", choices=[v for v, _ in selectors.LEDGERS])
    p.add_argument("--township", metavar="CODE", help="12-digit township code")
    p.add_argument("--overdue", action="store_true", help="only cases with an overdue step")
    p.add_argument("--as-of", type=date.fromisoformat, metavar="DATE", help="default: today")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_cases)


def _township(code: str | None) -> int | None:
    if not code:
        return None
    found = Division.objects.filter(code=code, level="township").first()
    if found is None:
        raise CommandError(f"没有此镇（街道）/ no township {code}")
    return found.pk


def run_cases(command: BaseCommand, options: dict[str, Any]) -> None:
    as_of = options["as_of"] or selectors.ledger_date(timezone.localdate())
    filters = selectors.CaseFilter(
        ledger=options["ledger"],
        township=_township(options["township"]),
        overdue=options["overdue"],
    )
    rows = [
        {
            "case": c.pk,
            "name": c.person.name,
            "school": c.school.name if c.school else "",
            "township": c.township.name if c.township else "",
            "trigger": c.trigger,
            "opened_on": c.opened_on.isoformat(),
            "status": c.status,
            "outcome": c.outcome,
        }
        for c in selectors.cases_for(county_user(), filters, as_of)
    ]
    if options["json"]:
        command.stdout.write(
            json.dumps({"as_of": as_of.isoformat(), "cases": rows}, ensure_ascii=False)
        )
        return
    for r in rows:
        command.stdout.write(
            f"{r['case']:>6}  {r['opened_on']}  {r['status']:<9} {r['trigger']:<13} "
            f"{r['name']}  {r['school'] or r['township']}  {r['outcome']}"
        )
    command.stdout.write(f"{len(rows)} cases ({options['ledger']}, as of {as_of})")
