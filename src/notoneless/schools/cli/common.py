"""Shared pieces of the schools subcommands: the reading account, the term, JSON and Excel output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notoneless.lib.sheets import Table
from notoneless.registry.models import Term
from notoneless.registry.selectors import current_term
from notoneless.schools import exports


def add_reader(parser: Any) -> None:
    parser.add_argument(
        "--user", metavar="USERNAME", help="read as this account (default: the county)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--xlsx", type=Path, metavar="FILE", help="also write the report as Excel")


def term_of(code: str | None) -> Term:
    term = Term.objects.filter(code=code).first() if code else current_term()
    if term is None:
        raise CommandError(f"没有此学期 / no term {code!r}" if code else "没有学期 / no term yet")
    return term


def emit(
    command: BaseCommand, options: dict[str, Any], data: dict[str, Any], tables: list[Table]
) -> bool:
    """Write the Excel file when asked, print JSON when asked; True when JSON was printed."""
    if options.get("xlsx"):
        exports.write(str(options["xlsx"]), tables)
    if options.get("json"):
        command.stdout.write(json.dumps(data, ensure_ascii=False, default=str))
        return True
    if options.get("xlsx"):
        command.stdout.write(f"已写入 written: {options['xlsx']}")
    return False
