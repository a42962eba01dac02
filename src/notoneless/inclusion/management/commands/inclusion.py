"""``notoneless inclusion ...``: inclusive education (全纳教育): assessments, placements, plans and
pauses, home-teaching sessions, compliance (see ``--help``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notoneless.inclusion import cli
from notoneless.inclusion.errors import InclusionRefused


class Command(BaseCommand):
    help = (
        "Inclusive education: assessments, placement proposals and decisions, plans, the guardian's "
        "code, pauses, home-teaching sessions, compliance. 全纳教育。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for module in cli.modules():
            module.register(subparsers)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            options["run"](self, options)
        except InclusionRefused as exc:
            raise CommandError(str(exc)) from None
