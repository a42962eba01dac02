"""``care groups --school CODE [--json]``: the term's special-group children of a school, with their
groups, what the registers say and the school's corrections.

``care groups add|remove STUDENT --group G --reason TEXT --user U``: the school's word on one group of
one child (``actions.set_group``); ``care groups clear STUDENT --group G --user U`` drops it, so the
registers decide again (``actions.clear_group``)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notoneless.care import actions, selectors
from notoneless.care.cli.common import (
    add_writer,
    as_of,
    school_by_code,
)
from notoneless.care.models import Group
from notoneless.registry.cli import find_student
from notoneless.subcommands import acting_user


def register(sub: Any) -> None:
    p = sub.add_parser(
        "groups",
        help="a school's special-group children (帮扶对象); add|remove|clear corrects a child's group",
    )
    p.add_argument("--school", metavar="CODE", help="10-digit school code (required to list)")
    p.add_argument("--as-of", type=date.fromisoformat, metavar="DATE")
    p.add_argument("--user", metavar="USERNAME", help="read as this account (default: the county)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_groups)
    inner = p.add_subparsers(dest="groups_action", required=False, metavar="ACTION")
    for name, what in (
        ("add", "add the child to the group (the school's word, with the reason)"),
        ("remove", "take the child out of the group (the school's word, with the reason)"),
        ("clear", "drop the school's correction: the registers decide again"),
    ):
        w = inner.add_parser(name, help=what)
        w.add_argument("student", metavar="STUDENT", help="student number, resident ID or name")
        w.add_argument("--school", metavar="CODE", help="the child's school (with a name)")
        w.add_argument("--group", required=True, choices=Group.values)
        if name != "clear":
            w.add_argument("--reason", required=True, metavar="TEXT")
        add_writer(w)
        w.set_defaults(run=run_clear if name == "clear" else run_set)


def run_groups(command: BaseCommand, options: dict[str, Any]) -> None:
    if not options["school"]:
        raise CommandError("请用 --school 指明学校 / give the school with --school CODE")
    user = acting_user(options["user"])
    school = school_by_code(user, options["school"])
    day = as_of(options["as_of"])
    rows: list[dict[str, Any]] = [
        {
            "person": c.person_id,
            "name": c.name,
            "class": c.class_name,
            "groups": c.groups,
            "registers": c.derived,
            "helpers": [v.pairing.teacher.name for v in c.pairs],
            "overdue": sorted({k for v in c.pairs for k in v.late}),
        }
        for c in selectors.school_children(user, school, day)
    ]
    if options["json"]:
        command.stdout.write(
            json.dumps(
                {"school": school.code, "as_of": day.isoformat(), "children": rows},
                ensure_ascii=False,
            )
        )
        return
    for r in rows:
        command.stdout.write(
            f"{r['name']}\t{r['class']}\t{','.join(r['groups'])}\t{','.join(r['helpers']) or '—'}"
            + (f"\t逾期 {','.join(r['overdue'])}" if r["overdue"] else "")
        )
    command.stdout.write(f"{len(rows)} 名帮扶对象 / special-group children")


def run_set(command: BaseCommand, options: dict[str, Any]) -> None:
    user = acting_user(options["user"])
    person = find_student(user, options["student"], options["school"]).person
    include = options["groups_action"] == "add"
    actions.set_group(
        person=person,
        group=options["group"],
        include=include,
        reason=options["reason"],
        acting_user=user,
    )
    word = "加入 added to" if include else "移出 taken out of"
    command.stdout.write(f"{person.name}: {word} {options['group']}")


def run_clear(command: BaseCommand, options: dict[str, Any]) -> None:
    user = acting_user(options["user"])
    person = find_student(user, options["student"], options["school"]).person
    actions.clear_group(person=person, group=options["group"], acting_user=user)
    command.stdout.write(f"{person.name}: {options['group']} 按登记 / as the registers say")
