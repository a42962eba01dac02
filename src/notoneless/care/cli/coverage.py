"""``care coverage --month YYYY-MM [--json]``: special-group children, paired, contacted in the month
and overdue, per school and township and for the county."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from notoneless.care.coverage import coverage
from notoneless.subcommands import acting_user


def register(sub: Any) -> None:
    p = sub.add_parser("coverage", help="the coverage report per school and township (帮扶覆盖)")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--user", metavar="USERNAME", help="read as this account (default: the county)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_coverage)


def run_coverage(command: BaseCommand, options: dict[str, Any]) -> None:
    report = coverage(acting_user(options["user"]), options["month"])
    if options["json"]:
        command.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    command.stdout.write(
        f"帮扶覆盖 {report.month}（截至 {report.as_of}，学期 {report.term or '—'}）"
    )
    command.stdout.write("对象 special · 结对 paired · 本月联系 contacted · 逾期 overdue")
    for r in report.townships:
        command.stdout.write(f"{r.name}\t{r.special}\t{r.paired}\t{r.contacted}\t{r.overdue}")
        for s in report.schools:
            if s.township_code == r.code:
                command.stdout.write(
                    f"  {s.name}\t{s.special}\t{s.paired}\t{s.contacted}\t{s.overdue}"
                )
    t = report.total
    command.stdout.write(f"全县 county\t{t.special}\t{t.paired}\t{t.contacted}\t{t.overdue}")
