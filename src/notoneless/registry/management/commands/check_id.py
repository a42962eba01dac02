"""``notoneless check-id NUMBER... [--json]``: check resident ID numbers (no database needed)."""

from __future__ import annotations

import io
import json
import shutil
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table
from rich.text import Text

from notoneless.lib.resident_id import ERROR, OK, WARNING, IdCheck, check

STATUS_STYLE = {OK: "green", WARNING: "yellow", ERROR: "bold red"}
SEX_LABEL = {"M": "男 M", "F": "女 F"}
COLUMNS = ("input", "normalised", "status", "reasons", "birth date", "sex", "region")


class Command(BaseCommand):
    help = (
        "Check resident ID numbers (GB 11643): normalised value, status ok/warning/error, reasons, "
        "birth date, sex and region. Exit code 1 if any number is unusable. 校验身份证号。"
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("numbers", nargs="+", metavar="NUMBER", help="resident ID numbers")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        results = [check(number) for number in options["numbers"]]
        if options["json"]:
            payload = [result.as_dict() for result in results]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self._table(results), ending="")
        errors = sum(1 for result in results if not result.usable)
        if errors:
            message = f"{errors} of {len(results)} numbers cannot be used / {errors}个号码无效"
            raise CommandError(message, returncode=1)

    def _table(self, results: list[IdCheck]) -> str:
        terminal = self.stdout.isatty()
        width = shutil.get_terminal_size().columns if terminal else 160
        console = Console(file=io.StringIO(), force_terminal=terminal, width=width)
        table = Table()
        for column in COLUMNS:
            table.add_column(column, overflow="fold")
        for result in results:
            table.add_row(  # Text, not markup: input may hold '[' and must print as typed
                Text(result.raw),
                Text(result.normalised),
                Text(result.status, style=STATUS_STYLE[result.status]),
                Text("\n".join(result.reasons)),
                result.birth_date.isoformat() if result.birth_date else "",
                SEX_LABEL.get(result.sex, ""),
                Text(f"{result.region_code} {result.region}".strip()),
            )
        console.print(table)
        output = console.file
        assert isinstance(output, io.StringIO)
        return output.getvalue()
