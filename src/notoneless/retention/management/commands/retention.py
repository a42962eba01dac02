"""``notoneless retention ...``: dropout control (控辍保学): scan, cases, report (see ``--help``)."""

from __future__ import annotations

from notoneless.retention.errors import RetentionRefused
from notoneless.subcommands import SubcommandsCommand


class Command(SubcommandsCommand):
    help = "Dropout control: scan attendance, work cases, report monthly. 控辍保学。"
    cli_package = "notoneless.retention.cli"
    refusals = (RetentionRefused,)
