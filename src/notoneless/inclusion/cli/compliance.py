"""``inclusion compliance --term CODE [--as-of DATE] [--json]``: home-delivered teaching per child:
sessions held against the visits required, class hours, the weeks short of visits, and where the
student roster and the placements disagree."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notoneless.inclusion.cli.common import county_actor
from notoneless.inclusion.compliance import ComplianceReport, build
from notoneless.registry.models import Term


def register(sub: Any) -> None:
    p = sub.add_parser(
        "compliance", help="home-teaching compliance per child for a term (送教上门)"
    )
    p.add_argument("--term", required=True, metavar="CODE", help="e.g. 2020-autumn")
    p.add_argument("--as-of", type=date.fromisoformat, metavar="DATE", help="default: term end")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_compliance)


def run_compliance(command: BaseCommand, options: dict[str, Any]) -> None:
    term = Term.objects.filter(code=options["term"]).first()
    if term is None:
        raise CommandError(f"没有此学期 / no term {options['term']}")
    report = build(county_actor(), term=term, as_of=options["as_of"])
    if options["json"]:
        command.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    command.stdout.write(render_text(report))


def render_text(report: ComplianceReport) -> str:
    lines = [
        f"送教上门 {report.term.code} to {report.as_of} (rules {report.rules_version}):"
        f" {len(report.children)} children"
    ]
    for c in report.children:
        mark = "✓" if c.visits_met and c.hours_met else "✗"
        lines.append(
            f"{mark} {c.name}  {c.school}  weeks {c.weeks_counted}"
            f"  visits {c.held_visits}/{c.required_visits}"
            f"  hours {c.held_hours}/{c.required_hours}  paused days {c.paused_days}"
            f"  short weeks {len(c.gaps)}"
        )
        for g in c.gaps:
            lines.append(f"    week of {g.week}: {g.held} of {g.required} visits")
    if report.disagreements:
        lines.append("roster and placement disagree (学籍状态与安置不符):")
        for d in report.disagreements:
            lines.append(
                f"    {d.name}  {d.school}  roster {d.roster_status or '—'}"
                f"  placement {d.placement or '—'}"
            )
    return "\n".join(lines)
