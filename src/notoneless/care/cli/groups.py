"""``care groups --school CODE [--json]``: the term's special-group children of a school, with their
groups, what the registers say and the school's corrections."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from notoneless.care import selectors
from notoneless.care.cli.common import acting_user, as_of, school_by_code


def register(sub: Any) -> None:
    p = sub.add_parser("groups", help="a school's special-group children (帮扶对象)")
    p.add_argument("--school", required=True, metavar="CODE", help="10-digit school code")
    p.add_argument("--as-of", type=date.fromisoformat, metavar="DATE")
    p.add_argument("--user", metavar="USERNAME", help="read as this account (default: the county)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_groups)


def run_groups(command: BaseCommand, options: dict[str, Any]) -> None:
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
