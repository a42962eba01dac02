"""``retention closure add --school CODE --from DATE --to DATE --reason TEXT``: a school's closure
(snow, an epidemic, a building closed): its days neither count as absences nor break a run."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from notoneless.retention.calendar import add_closure, school_by_code


def register(sub: Any) -> None:
    closure = sub.add_parser("closure", help="school closures of the school calendar")
    actions = closure.add_subparsers(dest="closure_action", required=True, metavar="ACTION")
    p = actions.add_parser(
        "add", help="close a school for a range of days (both included); refuses overlaps"
    )
    p.add_argument("--school", required=True, metavar="CODE", help="the 10-digit school code")
    p.add_argument("--from", dest="start", required=True, type=date.fromisoformat, metavar="DATE")
    p.add_argument("--to", dest="end", required=True, type=date.fromisoformat, metavar="DATE")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(run=run_add)


def run_add(command: BaseCommand, options: dict[str, Any]) -> None:
    school = school_by_code(options["school"])
    closure = add_closure(
        school=school,
        start_date=options["start"],
        end_date=options["end"],
        reason=options["reason"],
        acting_user=None,
    )
    command.stdout.write(
        f"{school.code} {school.name}: closed {closure.start_date} to {closure.end_date}"
        f" ({closure.reason})"
    )
