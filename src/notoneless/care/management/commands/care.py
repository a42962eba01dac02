"""``notoneless care ...``: care for special groups (帮扶): groups, pairing, log, coverage (``--help``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notoneless.care import cli
from notoneless.care.errors import CareRefused


class Command(BaseCommand):
    help = "Care for special groups: groups, pairing suggestions, the support log, coverage. 帮扶。"

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        cli.register(subparsers)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            options["run"](self, options)
        except CareRefused as exc:
            raise CommandError(str(exc)) from None
