"""``schools balance --year YYYY [--school CODE] [--json] [--xlsx FILE]``: the balance indicators of
each compulsory school and the county's coefficients of variation, or one school explained."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notoneless.schools import balance, selectors
from notoneless.schools.cli.common import add_reader, emit
from notoneless.schools.exports import STAGES, balance_tables
from notoneless.subcommands import acting_user

STATUS = {"met": "达标", "near": "达85%", "short": "未达", "no_data": "无数据"}


def register(sub: Any) -> None:
    p = sub.add_parser("balance", help="balance indicators and their spread (优质均衡指标)")
    p.add_argument("--year", type=int, required=True, help="statistical year (its autumn term)")
    p.add_argument("--school", metavar="CODE", help="explain one school's indicators")
    add_reader(p)
    p.set_defaults(run=run_balance)


def run_balance(command: BaseCommand, options: dict[str, Any]) -> None:
    user = acting_user(options["user"])
    report = selectors.balance_for(user, options["year"])
    if options["school"]:
        explain_school(command, options, report)
        return
    if emit(command, options, report.as_dict(), balance_tables(report)):
        return
    for s in report.stage_summary():
        verdict = "均在标准内" if s["cv_within_limits"] else "有超标"
        command.stdout.write(
            f"{STAGES[s['stage']]}：参评{s['schools']}所，达标{s['passing']}所；差异系数{verdict}"
        )
    for c in report.cv:
        cv = "—" if c.cv is None else f"{c.cv:.3f}"
        pullers = "、".join(p.name for p in c.pullers)
        over = "" if c.within is not False else "超标，"
        command.stdout.write(
            f"  {STAGES[c.stage]} {c.label}: {cv} (≤{c.limit}) {over}{'拉高：' + pullers if pullers else ''}"
        )


def explain_school(
    command: BaseCommand, options: dict[str, Any], report: balance.BalanceReport
) -> None:
    found = report.parts.filter(report.parts["code"] == options["school"])
    if found.height == 0:
        raise CommandError(f"没有此学校或不在评估范围 / no assessed school {options['school']}")
    explained = balance.explain(report, found["school_id"][0])
    if options["json"]:
        data = [
            {
                "part": {k: row[k] for k in ("code", "name", "stage", "students", "met", "passes")},
                "indicators": [line.as_dict() for line in lines],
            }
            for row, lines in explained
        ]
        command.stdout.write(json.dumps(data, ensure_ascii=False))
        return
    for row, lines in explained:
        command.stdout.write(f"{row['name']}（{STAGES[row['stage']]}，在校生{row['students']}人）")
        for line in lines:
            value = "—" if line.value is None else f"{line.value:.2f}"
            command.stdout.write(
                f"  {line.indicator.label}: {value}{line.indicator.unit} / 标准{line.threshold} "
                f"{STATUS[line.status]}"
            )
        command.stdout.write(f"  达标{row['met']}项：{'达标' if row['passes'] else '未达标'}")
