"""``outreach visits add --household NUMBER --date DATE --visitors TEXT [--answer QUESTION=yes|no ...]
[--notes TEXT] --user U``: a home visit with the awareness survey's answers (``actions.record_visit``);
the visit counts for the term holding its day. ``outreach visits --household NUMBER [--term] [--json]``
lists a household's visits of the term."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from notoneless.accounts.models import Role, User
from notoneless.outreach import actions, selectors
from notoneless.outreach.cli.common import (
    add_writer,
    household_by_number,
    pairs,
    term_by_code,
    writer,
)
from notoneless.outreach.survey import default_survey


def register(sub: Any) -> None:
    p = sub.add_parser("visits", help="a household's home visits (入户走访); add records one")
    p.add_argument("--household", metavar="NUMBER", help="household number (to list)")
    p.add_argument("--term", metavar="CODE", help="default: the current term")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_list)
    inner = p.add_subparsers(dest="visits_action", required=False, metavar="ACTION")
    a = inner.add_parser("add", help="record a home visit with the survey's answers")
    a.add_argument("--household", required=True, metavar="NUMBER", help="household number")
    a.add_argument("--date", required=True, type=date.fromisoformat, metavar="DATE")
    a.add_argument("--visitors", required=True, metavar="TEXT", help="who visited")
    a.add_argument("--notes", default="", metavar="TEXT")
    questions = ", ".join(q.code for q in default_survey().questions)
    a.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="QUESTION=ANSWER",
        help=f"yes (knows) or no (does not know); questions: {questions}",
    )
    add_writer(a)
    a.set_defaults(run=run_add)


def run_add(command: BaseCommand, options: dict[str, Any]) -> None:
    user = writer(options)
    day = options["date"]
    household = household_by_number(user, options["household"], term_by_code(None, day))
    visit = actions.record_visit(
        household=household,
        visited_on=day,
        visitors=options["visitors"],
        notes=options["notes"],
        answers=pairs(options["answer"], "--answer"),
        acting_user=user,
    )
    command.stdout.write(
        f"visit {visit.pk} to {household.number} on {visit.visited_on} recorded "
        f"({visit.term.code}, {visit.answers.count()} answers) / 已登记"
    )


def run_list(command: BaseCommand, options: dict[str, Any]) -> None:
    reader = User(username="cli", role=Role.COUNTY_ADMIN, is_active=True)
    term = term_by_code(options["term"])
    visits = selectors.visits_for(reader, term)
    if options["household"]:
        visits = visits.filter(household=household_by_number(reader, options["household"], term))
    rows: list[dict[str, Any]] = [
        {
            "visit": v.pk,
            "household": v.household.number,
            "visited_on": v.visited_on.isoformat(),
            "visitors": v.visitors,
            "answers": {a.question: a.answer for a in v.answers.all()},
        }
        for v in visits
    ]
    if options["json"]:
        command.stdout.write(json.dumps({"term": term.code, "visits": rows}, ensure_ascii=False))
        return
    for r in rows:
        answers = " ".join(f"{q}={a}" for q, a in r["answers"].items())
        command.stdout.write(f"{r['visited_on']}  {r['household']}  {r['visitors']}  {answers}")
    command.stdout.write(f"{len(rows)} visits in {term.code}")
