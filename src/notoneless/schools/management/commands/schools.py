"""``notoneless schools ...``: closing the gap between schools (精准补短): balance indicators, staffing,
projects, training and the itinerant-teaching planner (``--help``)."""

from __future__ import annotations

from notoneless.lib.rulesfile import RulesError
from notoneless.schools.errors import SchoolsRefused
from notoneless.subcommands import SubcommandsCommand


class Command(SubcommandsCommand):
    help = (
        "School balance: indicators and their spread, staffing, projects, training and honours, "
        "the itinerant-teaching planner. 精准补短。"
    )
    cli_package = "notoneless.schools.cli"
    refusals = (SchoolsRefused, RulesError)
