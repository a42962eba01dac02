"""``outreach coverage | awareness | follow-up | campaigns``: the term's figures for the whole county
(or one township), as text or ``--json``. ``campaigns add`` (a write) is in ``campaigns``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notoneless.accounts.models import Role, User
from notoneless.outreach import selectors
from notoneless.outreach.cli.campaigns import register_writes
from notoneless.registry.models import Division, Term
from notoneless.registry.selectors import current_term


def register(sub: Any) -> None:
    for name, run, what in (
        ("coverage", run_coverage, "home-visit coverage of registered-poor households per village"),
        ("awareness", run_awareness, "awareness rate (知晓率) per village, township and question"),
        ("follow-up", run_follow_up, "households that do not know an entitlement their child has"),
        ("campaigns", run_campaigns, "the term's campaigns and the materials handed out"),
    ):
        p = sub.add_parser(name, help=what)
        p.add_argument(
            "--term", metavar="CODE", help="e.g. 2020-autumn (default: the current term)"
        )
        p.add_argument("--township", metavar="CODE", help="only this township (12-digit code)")
        p.add_argument("--json", action="store_true")
        p.set_defaults(run=run)
        if name == "campaigns":
            register_writes(p)


def reader(options: dict[str, Any]) -> User:
    """An unsaved reader: the county administrator, or a township officer with ``--township``."""
    code = options.get("township")
    if not code:
        return User(username="cli", role=Role.COUNTY_ADMIN, is_active=True)
    township = Division.objects.filter(code=code, level=Division.Level.TOWNSHIP).first()
    if township is None:
        raise CommandError(f"没有此镇（街道）/ no township {code}")
    return User(username="cli", role=Role.TOWNSHIP_OFFICER, township=township, is_active=True)


def term(options: dict[str, Any]) -> Term:
    code = options.get("term")
    found = Term.objects.filter(code=code).first() if code else current_term()
    if found is None:
        raise CommandError(f"没有此学期 / no term {code or ''}")
    return found


def _rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def _write_json(command: BaseCommand, data: Any) -> None:
    command.stdout.write(json.dumps(data, ensure_ascii=False))


def run_coverage(command: BaseCommand, options: dict[str, Any]) -> None:
    report = selectors.coverage(reader(options), term(options))
    if options["json"]:
        _write_json(command, report.as_dict())
        return
    for row in report.villages:
        command.stdout.write(
            f"{row.village_code}  {row.township}{row.village:<10} {row.visited:>5}/{row.households:<5}"
            f" {_rate(row.rate):>7}"
        )
    for row in report.townships:
        command.stdout.write(
            f"{row.township_code}  {row.township:<12} {row.visited:>5}/{row.households:<5}"
            f" {_rate(row.rate):>7}"
        )
    t = report.total
    command.stdout.write(
        f"{report.term.code}: {t.visited} of {t.households} registered-poor households with a "
        f"school-age child visited ({_rate(t.rate)})"
    )


def run_awareness(command: BaseCommand, options: dict[str, Any]) -> None:
    report = selectors.awareness(reader(options), term(options))
    if options["json"]:
        _write_json(command, report.as_dict())
        return
    for row in [*report.villages, *report.townships]:
        command.stdout.write(
            f"{row.village_code or row.township_code}  {row.township}{row.village:<10} "
            f"{row.known:>5}/{row.answers:<5} {_rate(row.rate):>7}  ({row.households} households)"
        )
    for q in report.questions:
        command.stdout.write(f"{q.code:<20} {q.known:>5}/{q.answers:<5} {_rate(q.rate):>7}")
    t = report.total
    command.stdout.write(
        f"{report.term.code}: awareness {_rate(t.rate)} ({t.known} of {t.answers} answers, "
        f"{t.households} households)"
    )


def run_follow_up(command: BaseCommand, options: dict[str, Any]) -> None:
    rows = selectors.follow_up(reader(options), term(options))
    if options["json"]:
        _write_json(
            command, {"term": term(options).code, "households": [r.as_dict() for r in rows]}
        )
        return
    for r in rows:
        d = r.as_dict()
        command.stdout.write(
            f"{d['household']:<10} {d['township']}{d['village']}  {d['head']}  {d['child']}: "
            f"{'、'.join(d['programs'])}  ({d['visited_on']})"
        )
    command.stdout.write(f"{len({r.household.pk for r in rows})} households to follow up")


def run_campaigns(command: BaseCommand, options: dict[str, Any]) -> None:
    the_term = term(options)
    campaigns = selectors.campaigns_for(reader(options), the_term)
    totals = selectors.material_totals(campaigns)
    rows = [
        {
            "title": c.title,
            "kind": c.kind,
            "held_on": c.held_on.isoformat(),
            "where": c.where,
            "audience": c.audience,
            "materials": {m.material: m.count for m in c.materials.all()},
        }
        for c in campaigns
    ]
    if options["json"]:
        _write_json(
            command,
            {
                "term": the_term.code,
                "campaigns": rows,
                "materials": {code: n for code, _label, n in totals},
            },
        )
        return
    for r in rows:
        command.stdout.write(f"{r['held_on']}  {r['kind']:<13} {r['title']}  {r['where']}")
    for code, label, n in totals:
        command.stdout.write(f"{label}（{code}）: {n:,}")
    command.stdout.write(f"{len(rows)} campaigns in {the_term.code}")
