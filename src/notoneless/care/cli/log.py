"""``care log [--school CODE] [--overdue] [--json]``: the pairs in force with their last contact and
overdue flags (the support log itself is kept by the helpers on the pages)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from notoneless.care import selectors
from notoneless.care.cli.common import acting_user, as_of, school_by_code


def register(sub: Any) -> None:
    p = sub.add_parser("log", help="pairs with their last contact and overdue flags")
    p.add_argument("--school", metavar="CODE", help="10-digit school code (default: all)")
    p.add_argument("--overdue", action="store_true", help="only overdue pairs")
    p.add_argument("--as-of", type=date.fromisoformat, metavar="DATE")
    p.add_argument("--user", metavar="USERNAME", help="read as this account (default: the county)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_log)


def run_log(command: BaseCommand, options: dict[str, Any]) -> None:
    user = acting_user(options["user"])
    day = as_of(options["as_of"])
    pairs = selectors.pairs_for(user)
    if options["school"]:
        pairs = pairs.filter(school=school_by_code(user, options["school"]))
    views = selectors.pair_views(pairs, day)
    if options["overdue"]:
        views = [v for v in views if v.late]
    rows: list[dict[str, Any]] = [
        {
            "pairing": v.pairing.pk,
            "child": v.pairing.person.name,
            "school": v.pairing.school.code,
            "teacher": v.pairing.teacher.name,
            "started_on": v.pairing.started_on.isoformat(),
            "last_contact": v.last_contact.isoformat() if v.last_contact else None,
            "overdue": list(v.late),
        }
        for v in views
    ]
    if options["json"]:
        command.stdout.write(
            json.dumps({"as_of": day.isoformat(), "pairs": rows}, ensure_ascii=False)
        )
        return
    for r in rows:
        late = f"\t逾期 overdue: {','.join(r['overdue'])}" if r["overdue"] else ""
        command.stdout.write(f"{r['child']}\t{r['teacher']}\t{r['last_contact'] or '—'}{late}")
    command.stdout.write(f"{len(rows)} 对 / pairs")
