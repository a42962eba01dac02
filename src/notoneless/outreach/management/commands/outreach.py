"""``notoneless outreach ...``: publicity (宣传): coverage, awareness, follow-up, campaigns, visits,
policy cards (see ``--help``)."""

from __future__ import annotations

from notoneless.outreach.errors import OutreachRefused
from notoneless.subcommands import SubcommandsCommand


class Command(SubcommandsCommand):
    help = (
        "Publicity: visit coverage, awareness rates, the follow-up list, campaigns, home visits, "
        "policy cards. 精准宣传。"
    )
    cli_package = "notoneless.outreach.cli"
    refusals = (OutreachRefused,)
