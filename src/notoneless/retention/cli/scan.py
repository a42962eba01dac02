"""``retention scan --as-of DATE [--json]``: open, update and escalate cases from the rules."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from notoneless.retention.actions import scan


def register(sub: Any) -> None:
    p = sub.add_parser(
        "scan", help="open or update cases from the dropout rules as of a date; idempotent"
    )
    p.add_argument("--as-of", required=True, type=date.fromisoformat, metavar="DATE")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(run=run_scan)


def run_scan(command: BaseCommand, options: dict[str, Any]) -> None:
    result = scan(as_of=options["as_of"], acting_user=None)
    if options["json"]:
        command.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    command.stdout.write(
        f"{result.term} as of {result.as_of}: {result.opened} opened, {result.updated} updated,"
        f" {result.unchanged} unchanged, {result.escalated} escalated to dropout"
    )
