"""``inclusion placements propose|list|review-due``: the rules' proposals for every school-age disabled
child without one, the placements, and the decisions whose yearly review is due.

``inclusion placements decide ID --setting S --member NAME ... --reason TEXT --guardian NAME --consent
--consent-on DATE --decided-on DATE [--special-support] --user U``: the expert committee's decision,
recorded by the county administrator (``actions.decide_placement``)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from notoneless.inclusion import actions as inclusion_actions
from notoneless.inclusion import selectors
from notoneless.inclusion.cli.common import add_writer, county_actor, placement_of, writer
from notoneless.inclusion.models import Placement, Setting
from notoneless.inclusion.placements import propose_all


def register(sub: Any) -> None:
    p = sub.add_parser("placements", help="placement proposals, decisions and reviews (安置)")
    actions = p.add_subparsers(dest="placements_action", required=True, metavar="ACTION")
    propose = actions.add_parser(
        "propose",
        help="propose a placement from the rules for every school-age disabled child without one",
    )
    propose.add_argument("--on", type=date.fromisoformat, metavar="DATE", help="default: today")
    propose.add_argument("--json", action="store_true")
    propose.set_defaults(run=run_propose)
    listing = actions.add_parser("list", help="the placements (default: all)")
    listing.add_argument("--status", choices=Placement.Status.values)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=run_list)
    due = actions.add_parser("review-due", help="decisions whose yearly review is due")
    due.add_argument("--as-of", type=date.fromisoformat, metavar="DATE", help="default: today")
    due.add_argument("--within", type=int, default=30, metavar="DAYS")
    due.add_argument("--json", action="store_true")
    due.set_defaults(run=run_review_due)
    decide = actions.add_parser("decide", help="record the expert committee's decision")
    decide.add_argument("placement", type=int, metavar="ID", help="the placement's number")
    decide.add_argument("--setting", required=True, choices=Setting.values)
    decide.add_argument(
        "--member",
        action="append",
        default=[],
        metavar="NAME",
        help="a committee member who took the decision (repeat for each)",
    )
    decide.add_argument("--reason", required=True, metavar="TEXT")
    decide.add_argument("--guardian", required=True, metavar="NAME", help="the guardian's name")
    decide.add_argument("--consent", action="store_true", help="the guardian consents")
    decide.add_argument("--consent-on", type=date.fromisoformat, metavar="DATE")
    decide.add_argument("--decided-on", type=date.fromisoformat, metavar="DATE")
    decide.add_argument("--special-support", action="store_true", help="needs an individual plan")
    add_writer(decide)
    decide.set_defaults(run=run_decide)


def run_propose(command: BaseCommand, options: dict[str, Any]) -> None:
    result = propose_all(acting_user=county_actor(), on=options["on"])
    if options["json"]:
        payload = {
            "on": result.on.isoformat(),
            "proposed": result.proposed,
            "already": result.already,
            "by_setting": result.by_setting,
        }
        command.stdout.write(json.dumps(payload, ensure_ascii=False))
        return
    settings = ", ".join(f"{k} {n}" for k, n in sorted(result.by_setting.items())) or "none"
    command.stdout.write(
        f"{result.proposed} proposed as of {result.on} ({settings}); {result.already} already "
        "proposed or decided"
    )


def _row(p: Placement) -> dict[str, Any]:
    return {
        "placement": p.pk,
        "name": p.person.name,
        "school": p.school.name if p.school else "",
        "township": p.township.name if p.township else "",
        "type": p.disability_type,
        "grade": p.grade,
        "proposed": p.proposed_setting,
        "status": p.status,
        "setting": p.setting,
        "decided_on": p.decided_on.isoformat() if p.decided_on else None,
        "review_due": p.review_due.isoformat() if p.review_due else None,
    }


def _print(command: BaseCommand, rows: list[dict[str, Any]], as_json: bool, what: str) -> None:
    if as_json:
        command.stdout.write(json.dumps({what: rows}, ensure_ascii=False))
        return
    for r in rows:
        command.stdout.write(
            f"{r['placement']:>6}  {r['status']:<10} {r['name']}  {r['school'] or r['township']}"
            f"  {r['type']} {r['grade']}  proposed {r['proposed']}  decided {r['setting'] or '—'}"
            f"  review {r['review_due'] or '—'}"
        )
    command.stdout.write(f"{len(rows)} {what}")


def run_list(command: BaseCommand, options: dict[str, Any]) -> None:
    rows = [_row(p) for p in selectors.placements_for(county_actor(), options["status"] or "")]
    _print(command, rows, options["json"], "placements")


def run_review_due(command: BaseCommand, options: dict[str, Any]) -> None:
    as_of = options["as_of"] or timezone.localdate()
    due = selectors.review_due(county_actor(), as_of, options["within"])
    _print(command, [_row(p) for p in due], options["json"], "reviews due")


def run_decide(command: BaseCommand, options: dict[str, Any]) -> None:
    user = writer(options)
    placement = inclusion_actions.decide_placement(
        placement=placement_of(user, options["placement"]),
        setting=options["setting"],
        special_support=options["special_support"],
        committee_members=options["member"],
        reason=options["reason"],
        guardian_name=options["guardian"],
        guardian_consent=options["consent"],
        consent_on=options["consent_on"],
        decided_on=options["decided_on"],
        acting_user=user,
    )
    command.stdout.write(
        f"placement {placement.pk} of {placement.person.name} decided: {placement.setting}, "
        f"review due {placement.review_due} / 已决定"
    )
