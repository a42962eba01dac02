"""``schools plan-itinerant [--term CODE] [--time-limit S] [--user NAME] [--json] [--xlsx FILE]``:
work out and save the week's itinerant teaching (走教), and print its coverage per township, its
travel and how far from optimal it may be."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notoneless.schools import selectors
from notoneless.schools.cli.common import emit, term_of
from notoneless.schools.exports import plan_tables
from notoneless.schools.itinerant.plan import make_plan, plan_summary
from notoneless.subcommands import acting_user


def register(sub: Any) -> None:
    p = sub.add_parser("plan-itinerant", help="plan the week of itinerant teaching (走教排课)")
    p.add_argument("--term", metavar="CODE", help="default: the current term")
    p.add_argument("--time-limit", type=float, metavar="SECONDS", help="default: the rules'")
    p.add_argument("--user", metavar="USERNAME", help="acting account (default: the county)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--xlsx", metavar="FILE")
    p.set_defaults(run=run_plan)


def run_plan(command: BaseCommand, options: dict[str, Any]) -> None:
    user = acting_user(options["user"])
    plan = make_plan(
        term=term_of(options["term"]), acting_user=user, time_limit=options["time_limit"]
    )
    data = plan_summary(plan)
    tables = plan_tables(
        plan,
        data["townships"],
        selectors.plan_lessons(user, plan),
        selectors.plan_uncovered(user, plan),
    )
    if emit(command, options, data, tables):
        return
    command.stdout.write(
        f"走教计划 #{plan.pk}（{plan.term.code}）：需{plan.demanded}节/周，安排{plan.covered}节，"
        f"覆盖率{data['coverage'] or 0:.1%}；行程{plan.trips}次，路程{plan.travel_minutes}分钟；"
        f"{plan.status}，差距{float(plan.gap):.2%}，用时{plan.wall_seconds}秒"
    )
    for t in data["townships"]:
        command.stdout.write(
            f"  {t['township']}: {t['covered']}/{t['demanded']} 未覆盖{t['uncovered']} "
            f"教师{t['teachers']} 行程{t['trips']} 路程{t['travel_minutes']}分钟"
        )
    for note in plan.problems:
        command.stdout.write(f"  注意：{note['zh']}")
