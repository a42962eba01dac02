"""``notoneless retention scan --as-of DATE [--json]``: dropout control (控辍保学)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notoneless.retention.actions import NoTerm, scan


class Command(BaseCommand):
    help = "Dropout control: scan attendance for suspected dropouts. 控辍保学。"

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        scan_parser = subparsers.add_parser(
            "scan", help="open or update cases from the dropout rules as of a date; idempotent"
        )
        scan_parser.add_argument("--as-of", required=True, type=date.fromisoformat, metavar="DATE")
        scan_parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = scan(as_of=options["as_of"], acting_user=None)
        except NoTerm as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{result.term} as of {result.as_of}: {result.opened} opened, {result.updated} updated,"
            f" {result.unchanged} unchanged, {result.escalated} escalated to dropout"
        )
