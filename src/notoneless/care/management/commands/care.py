"""``notoneless care ...``: care for special groups (帮扶): groups, pairing, log, coverage (``--help``)."""

from __future__ import annotations

from notoneless.care.errors import CareRefused
from notoneless.subcommands import SubcommandsCommand


class Command(SubcommandsCommand):
    help = "Care for special groups: groups, pairing suggestions, the support log, coverage. 帮扶。"
    cli_package = "notoneless.care.cli"
    refusals = (CareRefused,)
