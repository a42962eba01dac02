"""``schools staffing [--term CODE] [--json] [--xlsx FILE]``: teachers against the staffing norm and
the specialist lessons each school's staff leave open."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notoneless.schools import selectors
from notoneless.schools.cli.common import add_reader, emit, term_of
from notoneless.schools.exports import staffing_tables
from notoneless.subcommands import acting_user


def register(sub: Any) -> None:
    p = sub.add_parser("staffing", help="staffing against the norm, vacancies (编制与缺员)")
    p.add_argument("--term", metavar="CODE", help="default: the current term")
    add_reader(p)
    p.set_defaults(run=run_staffing)


def run_staffing(command: BaseCommand, options: dict[str, Any]) -> None:
    report = selectors.staffing_for(acting_user(options["user"]), term_of(options["term"]))
    if emit(command, options, report.as_dict(), staffing_tables(report)):
        return
    t = report.totals()
    command.stdout.write(
        f"{report.term}：{t['schools']}所学校，在校生{t['students']}人，教师{t['teachers']}人，"
        f"应配{t['required']}人，缺员{t['vacancies']}人；音体美信息未覆盖课时{t['open_lessons']}节/周"
    )
