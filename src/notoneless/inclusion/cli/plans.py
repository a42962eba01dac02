"""One plan per child (一人一案) from a terminal:

- ``plans add --placement ID --goals TEXT --teacher ID|NAME ... --schedule "2 09:00 3" ...
  --valid-from DATE --review-on DATE [--note TEXT] --user U``: a new version of the child's plan (the
  first creates the plan), as the page saves it (``actions.save_plan_version``);
- ``plans code --plan ID --user U``: a new guardian's confirmation code, printed once
  (``actions.issue_code``); an earlier code stops working;
- ``plans show --plan ID [--json]``: the plan's versions, sessions and pauses;
- ``pauses add --plan ID --kind KIND --from DATE --to DATE [--note TEXT] --user U``: days the child's
  home teaching is paused (``actions.add_pause``)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from notoneless.inclusion import actions, selectors
from notoneless.inclusion.cli.common import (
    add_writer,
    county_actor,
    placement_of,
    plan_of,
    teacher_of,
    writer,
)
from notoneless.inclusion.plans import parse_schedule
from notoneless.inclusion.rules import home_teaching_rules


def register(sub: Any) -> None:
    p = sub.add_parser("plans", help="a child's plan (一人一案): versions, the guardian's code")
    inner = p.add_subparsers(dest="plans_action", required=True, metavar="ACTION")
    a = inner.add_parser("add", help="save a new version of the child's plan")
    a.add_argument("--placement", required=True, type=int, metavar="ID", help="decided placement")
    a.add_argument("--goals", required=True, metavar="TEXT")
    a.add_argument(
        "--teacher", action="append", default=[], metavar="ID|NAME", help="repeat for each"
    )
    a.add_argument(
        "--schedule",
        action="append",
        default=[],
        metavar="'WEEKDAY HH:MM HOURS'",
        help="one weekly visit, e.g. '周二 09:00 3' or '2 09:00 3'; repeat for each",
    )
    a.add_argument("--valid-from", type=date.fromisoformat, metavar="DATE", help="default: today")
    a.add_argument("--review-on", required=True, type=date.fromisoformat, metavar="DATE")
    a.add_argument("--note", default="", metavar="TEXT", help="what changed")
    add_writer(a)
    a.set_defaults(run=run_add)

    c = inner.add_parser("code", help="issue the guardian's confirmation code (shown once)")
    c.add_argument("--plan", required=True, type=int, metavar="ID")
    add_writer(c)
    c.set_defaults(run=run_code)

    s = inner.add_parser("show", help="the plan's versions, sessions and pauses")
    s.add_argument("--plan", required=True, type=int, metavar="ID")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=run_show)

    pauses = sub.add_parser("pauses", help="pauses of a child's home teaching (暂停)")
    pause_actions = pauses.add_subparsers(dest="pauses_action", required=True, metavar="ACTION")
    add = pause_actions.add_parser("add", help="record days the home teaching is paused")
    add.add_argument("--plan", required=True, type=int, metavar="ID")
    add.add_argument(
        "--kind", required=True, metavar="KIND", help=", ".join(home_teaching_rules().pauses)
    )
    add.add_argument("--from", required=True, type=date.fromisoformat, dest="start", metavar="DATE")
    add.add_argument("--to", required=True, type=date.fromisoformat, dest="end", metavar="DATE")
    add.add_argument("--note", default="", metavar="TEXT")
    add_writer(add)
    add.set_defaults(run=run_pause)


def run_add(command: BaseCommand, options: dict[str, Any]) -> None:
    user = writer(options)
    version = actions.save_plan_version(
        placement=placement_of(user, options["placement"]),
        goals=options["goals"],
        teachers=[teacher_of(t) for t in options["teacher"]],
        schedule=parse_schedule("\n".join(options["schedule"])),
        valid_from=options["valid_from"] or timezone.localdate(),
        review_on=options["review_on"],
        note=options["note"],
        acting_user=user,
    )
    command.stdout.write(
        f"plan {version.plan_id} version {version.number} from {version.valid_from} saved / 已保存"
    )


def run_code(command: BaseCommand, options: dict[str, Any]) -> None:
    user = writer(options)
    plan = plan_of(user, options["plan"])
    code = actions.issue_code(plan=plan, acting_user=user)
    command.stdout.write(
        f"plan {plan.pk} ({plan.person.name}): guardian's code {code} — give it on paper; "
        "it is not shown again / 确认码仅显示一次"
    )


def run_pause(command: BaseCommand, options: dict[str, Any]) -> None:
    user = writer(options)
    pause = actions.add_pause(
        plan=plan_of(user, options["plan"]),
        kind=options["kind"],
        start_date=options["start"],
        end_date=options["end"],
        note=options["note"],
        acting_user=user,
    )
    command.stdout.write(
        f"pause {pause.pk} of plan {pause.plan_id}: {pause.kind} {pause.start_date} – "
        f"{pause.end_date} / 已登记"
    )


def run_show(command: BaseCommand, options: dict[str, Any]) -> None:
    plan = plan_of(county_actor(), options["plan"])
    versions = plan.versions.prefetch_related("teachers").order_by("number")
    sessions = plan.sessions.select_related("teacher").order_by("held_on")
    data: dict[str, Any] = {
        "plan": plan.pk,
        "name": plan.person.name,
        "home_teaching": plan.home_teaching,
        "code_issued_on": plan.code_issued_on.isoformat() if plan.code_issued_on else None,
        "versions": [
            {
                "number": v.number,
                "valid_from": v.valid_from.isoformat(),
                "review_on": v.review_on.isoformat(),
                "teachers": [t.name for t in v.teachers.all()],
                "schedule": v.schedule,
            }
            for v in versions
        ],
        "sessions": [
            {
                "held_on": s.held_on.isoformat(),
                "teacher": s.teacher.name,
                "hours": str(s.class_hours),
                "confirmation": s.confirmation,
            }
            for s in sessions
        ],
        "pauses": [
            {"kind": p.kind, "from": p.start_date.isoformat(), "to": p.end_date.isoformat()}
            for p in selectors.pauses_of(plan)
        ],
    }
    if options["json"]:
        command.stdout.write(json.dumps(data, ensure_ascii=False))
        return
    command.stdout.write(f"plan {plan.pk}: {plan.person.name}")
    for v in data["versions"]:
        command.stdout.write(
            f"  v{v['number']} from {v['valid_from']} review {v['review_on']}"
            f"  {','.join(v['teachers'])}"
        )
    for s in data["sessions"]:
        command.stdout.write(
            f"  {s['held_on']}  {s['teacher']}  {s['hours']} h  {s['confirmation']}"
        )
    for p in data["pauses"]:
        command.stdout.write(f"  paused {p['from']} – {p['to']} ({p['kind']})")
