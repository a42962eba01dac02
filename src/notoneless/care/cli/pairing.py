"""``care pairing suggest --school CODE [--apply] [--json]``: helpers proposed for every unpaired
special-group child of a school; ``--apply`` confirms them all (as ``--user``, default the county).

``care pairing helpers --school CODE [--json]``: the teachers who may help there, with their load.
``care pairing add STUDENT --teacher ID|NAME [--school CODE] [--started-on DATE] --user U``: one
pairing (``actions.pair``, the load limit and the school checked there).
``care pairing end ID --on DATE --reason TEXT --user U``: end a pairing (``actions.end_pairing``)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from notoneless.care import actions, selectors
from notoneless.care.care_rules import default_rules
from notoneless.care.cli.common import (
    add_writer,
    as_of,
    find_helper,
    find_pairing,
    school_by_code,
    school_of,
)
from notoneless.registry.cli import find_student
from notoneless.subcommands import acting_user


def register(sub: Any) -> None:
    p = sub.add_parser("pairing", help="pairing helpers with children (结对)")
    inner = p.add_subparsers(dest="pairing_action", required=True, metavar="ACTION")
    s = inner.add_parser("suggest", help="propose helpers for a school's unpaired children")
    s.add_argument("--school", required=True, metavar="CODE", help="10-digit school code")
    s.add_argument("--apply", action="store_true", help="confirm every proposal")
    s.add_argument("--started-on", type=date.fromisoformat, metavar="DATE", help="default: today")
    s.add_argument("--user", metavar="USERNAME", help="act as this account (default: the county)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=run_suggest)

    h = inner.add_parser("helpers", help="the teachers who may help a school's children, with load")
    h.add_argument("--school", required=True, metavar="CODE", help="10-digit school code")
    h.add_argument("--user", metavar="USERNAME", help="read as this account (default: the county)")
    h.add_argument("--json", action="store_true")
    h.set_defaults(run=run_helpers)

    a = inner.add_parser("add", help="pair a helper teacher with a special-group child")
    a.add_argument("student", metavar="STUDENT", help="student number, resident ID or name")
    a.add_argument("--teacher", required=True, metavar="ID|NAME", help="see `pairing helpers`")
    a.add_argument("--school", metavar="CODE", help="the child's school (default: this term's)")
    a.add_argument("--started-on", type=date.fromisoformat, metavar="DATE", help="default: today")
    add_writer(a)
    a.set_defaults(run=run_add)

    e = inner.add_parser("end", help="end a pairing (its log stays)")
    e.add_argument("pairing", type=int, metavar="ID", help="the pairing's number (`care log`)")
    e.add_argument("--on", required=True, type=date.fromisoformat, metavar="DATE")
    e.add_argument("--reason", required=True, metavar="TEXT")
    add_writer(e)
    e.set_defaults(run=run_end)


def run_suggest(command: BaseCommand, options: dict[str, Any]) -> None:
    user = acting_user(options["user"])
    school = school_by_code(user, options["school"])
    plan = selectors.suggestion(user, school, as_of(None))
    rows = [
        {
            "person": p.person_id,
            "name": p.name,
            "class": p.class_name,
            "groups": p.groups,
            "teacher": p.teacher.pk,
            "teacher_name": p.teacher.name,
            "class_teacher": p.class_teacher,
            "load_after": p.load_after,
        }
        for p in plan.proposals
    ]
    applied = 0
    if options["apply"] and plan.proposals:
        made = actions.confirm_pairings(
            school=school,
            proposals=[(p.person_id, p.teacher.pk) for p in plan.proposals],
            acting_user=user,
            started_on=options["started_on"],
        )
        applied = len(made)
    unplaced = [{"person": pid, "name": name} for pid, name in plan.unplaced]
    if options["json"]:
        out = {
            "school": school.code,
            "limit": plan.limit,
            "proposals": rows,
            "unplaced": unplaced,
            "applied": applied,
        }
        command.stdout.write(json.dumps(out, ensure_ascii=False))
        return
    for r in rows:
        mark = " (班主任 class teacher)" if r["class_teacher"] else ""
        command.stdout.write(
            f"{r['name']}\t{r['class']}\t→ {r['teacher_name']}{mark}\t{r['load_after']}/{plan.limit}"
        )
    for u in unplaced:
        command.stdout.write(f"{u['name']}\t无教师可结对 / no teacher has room")
    if options["apply"]:
        command.stdout.write(f"已结对 {applied} 名 / {applied} pairings confirmed")
    else:
        command.stdout.write(
            f"建议 {len(rows)} 项，加 --apply 确认 / {len(rows)} proposals; --apply confirms"
        )


def run_helpers(command: BaseCommand, options: dict[str, Any]) -> None:
    user = acting_user(options["user"])
    school = school_by_code(user, options["school"])
    limit = default_rules().load_limit
    rows = [
        {"teacher": t.pk, "name": t.name, "school": t.school.code, "load": t.load}  # type: ignore[attr-defined]
        for t in selectors.helpers_for(school).select_related("school")
    ]
    if options["json"]:
        out = {"school": school.code, "limit": limit, "helpers": rows}
        command.stdout.write(json.dumps(out, ensure_ascii=False))
        return
    for r in rows:
        command.stdout.write(f"{r['teacher']:>6}  {r['name']}\t{r['load']}/{limit}")
    command.stdout.write(f"{len(rows)} 名教师 / teachers")


def run_add(command: BaseCommand, options: dict[str, Any]) -> None:
    user = acting_user(options["user"])
    student = find_student(user, options["student"], options["school"])
    school = school_by_code(user, school_of(student, options["school"]))
    teacher = find_helper(school, options["teacher"])
    made = actions.pair(
        person=student.person,
        teacher=teacher,
        acting_user=user,
        started_on=options["started_on"],
    )
    command.stdout.write(
        f"结对 {made.pk}: {teacher.name} → {student.person.name} ({made.started_on}) / paired"
    )


def run_end(command: BaseCommand, options: dict[str, Any]) -> None:
    user = acting_user(options["user"])
    pairing = find_pairing(user, options["pairing"])
    actions.end_pairing(
        pairing=pairing, ended_on=options["on"], reason=options["reason"], acting_user=user
    )
    command.stdout.write(f"结对 {pairing.pk} 已结束 {pairing.ended_on} / pairing ended")
