"""``notoneless outreach ...``: publicity (宣传): coverage, awareness, follow-up, campaigns, visits,
policy cards (see ``--help``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notoneless.outreach import cli
from notoneless.outreach.errors import OutreachRefused


class Command(BaseCommand):
    help = (
        "Publicity: visit coverage, awareness rates, the follow-up list, campaigns, home visits, "
        "policy cards. 精准宣传。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for module in cli.modules():
            module.register(subparsers)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            options["run"](self, options)
        except OutreachRefused as exc:
            raise CommandError(str(exc)) from None
