"""``care log [--school CODE] [--overdue] [--json]``: the pairs in force with their last contact and
overdue flags.

``care log add --pair ID --kind KIND --date DATE [--notes TEXT] [--attachment FILE ...] --user U``: the
pair's helper logs one act of support (``actions.log_support``) with photos or signed forms, passed as
Django files like the page's uploads: a file that is not a photo or PDF, or too large, refuses the
entry and nothing is stored."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from notoneless.care import actions, selectors
from notoneless.care.cli.common import (
    add_writer,
    as_of,
    find_pairing,
    opened_files,
    school_by_code,
)
from notoneless.care.models import SupportKind
from notoneless.subcommands import acting_user


def register(sub: Any) -> None:
    p = sub.add_parser("log", help="pairs with their last contact and overdue flags")
    p.add_argument("--school", metavar="CODE", help="10-digit school code (default: all)")
    p.add_argument("--overdue", action="store_true", help="only overdue pairs")
    p.add_argument("--as-of", type=date.fromisoformat, metavar="DATE")
    p.add_argument("--user", metavar="USERNAME", help="read as this account (default: the county)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_log)
    inner = p.add_subparsers(dest="log_action", required=False, metavar="ACTION")
    a = inner.add_parser("add", help="the pair's helper logs one act of support (帮扶记录)")
    a.add_argument("--pair", required=True, type=int, metavar="ID", help="the pairing's number")
    a.add_argument("--kind", required=True, choices=SupportKind.values)
    a.add_argument("--date", required=True, type=date.fromisoformat, metavar="DATE")
    a.add_argument("--notes", default="", metavar="TEXT")
    a.add_argument(
        "--attachment",
        action="extend",
        nargs="+",
        type=Path,
        default=[],
        metavar="FILE",
        help="a photo (JPEG, PNG, WebP) or PDF; several allowed",
    )
    add_writer(a)
    a.set_defaults(run=run_add)


def run_log(command: BaseCommand, options: dict[str, Any]) -> None:
    user = acting_user(options["user"])
    day = as_of(options["as_of"])
    pairs = selectors.pairs_for(user)
    if options["school"]:
        pairs = pairs.filter(school=school_by_code(user, options["school"]))
    views = selectors.pair_views(pairs, day)
    if options["overdue"]:
        views = [v for v in views if v.late]
    rows: list[dict[str, Any]] = [
        {
            "pairing": v.pairing.pk,
            "child": v.pairing.person.name,
            "school": v.pairing.school.code,
            "teacher": v.pairing.teacher.name,
            "started_on": v.pairing.started_on.isoformat(),
            "last_contact": v.last_contact.isoformat() if v.last_contact else None,
            "overdue": list(v.late),
        }
        for v in views
    ]
    if options["json"]:
        command.stdout.write(
            json.dumps({"as_of": day.isoformat(), "pairs": rows}, ensure_ascii=False)
        )
        return
    for r in rows:
        late = f"\t逾期 overdue: {','.join(r['overdue'])}" if r["overdue"] else ""
        command.stdout.write(f"{r['child']}\t{r['teacher']}\t{r['last_contact'] or '—'}{late}")
    command.stdout.write(f"{len(rows)} 对 / pairs")


def run_add(command: BaseCommand, options: dict[str, Any]) -> None:
    user = acting_user(options["user"])
    pairing = find_pairing(user, options["pair"])
    with opened_files(options["attachment"]) as files:
        entry = actions.log_support(
            pairing=pairing,
            kind=options["kind"],
            on=options["date"],
            notes=options["notes"],
            files=files,
            acting_user=user,
        )
    command.stdout.write(
        f"帮扶记录 {entry.pk}: {pairing.person.name} {entry.on} {entry.kind}, "
        f"{len(files)} 个附件 / attachments"
    )
