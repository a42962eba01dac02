"""``notoneless retention ...``: dropout control (控辍保学): scan, cases, report (see ``--help``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notoneless.retention import cli
from notoneless.retention.errors import RetentionRefused


class Command(BaseCommand):
    help = "Dropout control: scan attendance, work cases, report monthly. 控辍保学。"

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for module in cli.modules():
            module.register(subparsers)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            options["run"](self, options)
        except RetentionRefused as exc:
            raise CommandError(str(exc)) from None
