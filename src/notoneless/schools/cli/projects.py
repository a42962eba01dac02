"""``schools projects [--from YYYY] [--to YYYY] [--json] [--xlsx FILE]``: building and equipment
projects, totals per year, and the sentence a report says them in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notoneless.schools import selectors
from notoneless.schools.cli.common import add_reader, emit
from notoneless.schools.exports import project_tables
from notoneless.schools.projects import totals
from notoneless.subcommands import acting_user


def register(sub: Any) -> None:
    p = sub.add_parser("projects", help="projects and their totals per year (项目建设)")
    p.add_argument("--from", dest="first", type=int, metavar="YYYY")
    p.add_argument("--to", dest="last", type=int, metavar="YYYY")
    add_reader(p)
    p.set_defaults(run=run_projects)


def run_projects(command: BaseCommand, options: dict[str, Any]) -> None:
    rows = selectors.projects_for(acting_user(options["user"]))
    if options["first"]:
        rows = rows.filter(year__gte=options["first"])
    if options["last"]:
        rows = rows.filter(year__lte=options["last"])
    projects = list(rows)
    summary = totals(projects)
    if emit(command, options, summary.as_dict(), project_tables(projects, summary)):
        return
    command.stdout.write(summary.sentence())
