"""``notoneless inclusion ...``: inclusive education (全纳教育): assessments, placements, plans and
pauses, home-teaching sessions, compliance (see ``--help``)."""

from __future__ import annotations

from notoneless.inclusion.errors import InclusionRefused
from notoneless.subcommands import SubcommandsCommand


class Command(SubcommandsCommand):
    help = (
        "Inclusive education: assessments, placement proposals and decisions, plans, the guardian's "
        "code, pauses, home-teaching sessions, compliance. 全纳教育。"
    )
    cli_package = "notoneless.inclusion.cli"
    refusals = (InclusionRefused,)
