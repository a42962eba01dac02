"""``notoneless aid ...``: compute, explain, approve, pay and report student aid (see ``--help``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notoneless.aid import cli


class Command(BaseCommand):
    help = (
        "Student aid: compute a term, explain, submit, approve, pay, reconcile, report. 学生资助。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for module in cli.modules():
            module.register(subparsers)

    def handle(self, *args: Any, **options: Any) -> None:
        from notoneless.aid.cli.common import refusals

        with refusals():
            options["run"](self, options)
