"""``retention risk --as-of DATE [--township CODE] [--school CODE] [--top N] [--json]``: the early-warning
list, each township's highest risk scores first, every score with its reasons. Run as the county
administrator's view (the whole county); ``--township``/``--school`` narrow it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from notoneless.retention.risk import RiskList, default_risk_rules, ranked
from notoneless.subcommands import county_user


def register(sub: Any) -> None:
    p = sub.add_parser(
        "risk",
        help="early warning: students ranked by dropout risk per township, with the reasons",
    )
    p.add_argument("--as-of", required=True, type=date.fromisoformat, metavar="DATE")
    p.add_argument("--township", metavar="CODE", help="one township (12-digit code)")
    p.add_argument("--school", metavar="CODE", help="one school (10-digit code)")
    p.add_argument(
        "--top",
        type=int,
        metavar="N",
        help="the first N per township (default: the follow-up capacity in rules/risk.toml)",
    )
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(run=run_risk)


def run_risk(command: BaseCommand, options: dict[str, Any]) -> None:
    rules = default_risk_rules()
    top = options["top"] or rules.ranking.follow_up_per_township
    try:
        found = ranked(
            county_user(),
            as_of=options["as_of"],
            township=options["township"],
            school=options["school"],
            per_township=top,
        )
    except Http404:
        raise CommandError("no such township or school (没有该乡镇或学校)") from None
    if options["json"]:
        command.stdout.write(json.dumps(as_json(found, top), ensure_ascii=False))
        return
    _print(command, found, top)


def as_json(found: RiskList, top: int) -> dict[str, Any]:
    students = found.as_dicts()
    for row in students:
        row["attendance_rate"] = round(row["attendance_rate"], 4)
    return {
        "as_of": found.as_of.isoformat(),
        "term": found.term.code if found.term else None,
        "rules": found.rules.version,
        "follow_up_per_township": found.rules.ranking.follow_up_per_township,
        "top": top,
        "students": students,
    }


def _print(command: BaseCommand, found: RiskList, top: int) -> None:
    if found.term is None:
        command.stdout.write(f"no term by {found.as_of.isoformat()} (该日期前没有学期)")
        return
    command.stdout.write(
        f"{found.term.code} as of {found.as_of.isoformat()}, rules {found.rules.version}:"
        f" the first {top} per township, {found.total} listed"
    )
    township = None
    rows = sorted(found.as_dicts(), key=lambda r: (r["township_code"], r["rank_in_township"]))
    for row in rows:
        if row["township_code"] != township:
            township = row["township_code"]
            command.stdout.write(f"\n{row['township']} ({township})")
        reasons = "；".join(f"{r['label']} +{r['weight']}" for r in row["reasons"])
        mark = "*" if row["follow_up"] else " "
        command.stdout.write(
            f"{mark}{row['rank_in_township']:>4}  {row['score']:>3}  {row['name']}"
            f"  {row['school']}  {row['stage']} {row['grade']}"
            f"  {row['attendance_rate']:.0%}  {reasons}"
        )
