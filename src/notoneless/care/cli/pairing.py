"""``care pairing suggest --school CODE [--apply] [--json]``: helpers proposed for every unpaired
special-group child of a school; ``--apply`` confirms them all (as ``--user``, default the county)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from notoneless.care import actions, selectors
from notoneless.care.cli.common import acting_user, as_of, school_by_code


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
