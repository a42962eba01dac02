"""The compliance report of home-delivered teaching: its figures agree with the session records,
weeks of holidays and of a hospital stay owe nothing, and the roster's status is compared with the
committee's placements. The page and the command show the same figures."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Sum

from inclusion.build import decide, home_plan, load_registers, plan_version, session
from notoneless.inclusion import actions
from notoneless.inclusion.compliance import build
from notoneless.inclusion.models import Plan, Session
from notoneless.registry.models import Term
from web.county import TERM, County, import_csv, students_csv

NOVEMBER = [
    (date(2020, 11, 3), "3"),
    (date(2020, 11, 5), "3"),
    (date(2020, 11, 10), "2.5"),  # the week of 9 November has one visit: a gap
    (date(2020, 11, 24), "3"),
    (date(2020, 11, 26), "3"),
]
END_OF_NOVEMBER = date(2020, 11, 29)


@pytest.fixture
def november(county: County, tmp_path: Path) -> tuple[County, Plan]:
    """张伟 taught at home from Monday 2 November, in hospital 16-20 November."""
    plan, code = home_plan(county, tmp_path)
    for day, hours in NOVEMBER:
        session(county, plan, code, day, hours)
    actions.add_pause(
        plan=plan,
        kind="hospital",
        start_date=date(2020, 11, 16),
        end_date=date(2020, 11, 20),
        note="县医院住院",
        acting_user=county.user("officer_a"),
    )
    return county, plan


def test_the_figures_agree_with_the_session_records_and_the_pause(november: tuple[County, Plan]):
    county, plan = november
    report = build(
        county.user("county_admin"), term=Term.objects.get(code=TERM), as_of=END_OF_NOVEMBER
    )
    [child] = report.children
    held = Session.objects.filter(
        plan=plan, held_on__gte=date(2020, 11, 1), held_on__lte=END_OF_NOVEMBER
    )
    assert child.held_visits == held.count() == 5
    assert child.held_hours == held.aggregate(h=Sum("class_hours"))["h"] == Decimal("14.5")
    # weeks of 2, 9 and 23 November count; the week of 16 November is all in hospital
    assert (child.weeks_counted, child.paused_days) == (3, 5)
    assert (child.required_visits, child.required_hours) == (6, Decimal("18.0"))
    assert [(g.week, g.held, g.required) for g in child.gaps] == [(date(2020, 11, 9), 1, 2)]
    assert not child.visits_met and not child.hours_met


def test_without_the_pause_the_hospital_week_is_owed_and_is_a_gap(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    for day, hours in NOVEMBER:
        session(county, plan, code, day, hours)
    report = build(
        county.user("county_admin"), term=Term.objects.get(code=TERM), as_of=END_OF_NOVEMBER
    )
    [child] = report.children
    assert (child.weeks_counted, child.required_visits, child.required_hours) == (
        4,
        8,
        Decimal("24.0"),
    )
    assert [g.week for g in child.gaps] == [date(2020, 11, 9), date(2020, 11, 16)]


def test_a_holiday_week_owes_nothing(county: County, tmp_path: Path):
    """National Day 2020: 1-8 October off, Saturday 10 October a make-up working day. The week of
    28 September has three school days (counts); the week of 5 October two (does not)."""
    load_registers(county, tmp_path)
    proposed = actions.propose_placement(
        person=county.person("张伟"), acting_user=county.user("officer_a"), on=date(2020, 9, 15)
    )
    placement = decide(county, proposed, decided_on=date(2020, 9, 20))
    plan = plan_version(county, placement, valid_from=date(2020, 9, 28)).plan
    code = actions.issue_code(plan=plan, acting_user=county.user("officer_a"))
    for day in (date(2020, 9, 29), date(2020, 9, 30), date(2020, 10, 9)):
        session(county, plan, code, day)
    report = build(
        county.user("county_admin"), term=Term.objects.get(code=TERM), as_of=date(2020, 10, 11)
    )
    [child] = report.children
    assert (child.weeks_counted, child.required_visits, child.required_hours) == (
        1,
        2,
        Decimal("6.0"),
    )
    assert (child.held_visits, child.held_hours, child.gaps) == (3, Decimal("9"), [])


@pytest.mark.usefixtures("november")
def test_the_command_prints_the_same_figures_as_json():
    out = io.StringIO()
    call_command(
        "inclusion", "compliance", "--term", TERM, "--as-of", "2020-11-29", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    [child] = data["children"]
    assert (child["held_visits"], child["required_visits"]) == (5, 6)
    assert (child["held_hours"], child["required_hours"]) == ("14.5", "18.0")
    assert child["gaps"] == [{"week": "2020-11-09", "held": 1, "required": 2}]
    assert data["as_of"] == "2020-11-29"
    text = io.StringIO()
    call_command("inclusion", "compliance", "--term", TERM, "--as-of", "2020-11-29", stdout=text)
    assert "visits 5/6" in text.getvalue() and "week of 2020-11-09: 1 of 2" in text.getvalue()


def test_the_report_is_scoped(november: tuple[County, Plan]):
    county, _plan = november
    term = Term.objects.get(code=TERM)
    assert [c.name for c in build(county.user("township_a"), term=term).children] == ["张伟"]
    assert build(county.user("officer_b"), term=term).children == []
    assert build(county.user("aid_officer"), term=term).children == []


def test_the_report_shows_where_roster_and_placement_disagree(county: County, tmp_path: Path):
    home_plan(county, tmp_path)  # 张伟 placed at home, but enrolled as an ordinary pupil
    lines = students_csv().splitlines()
    roster = [lines[0] + ",学籍状态"] + [
        line + (",送教上门" if ",王芳," in line else ",在校") for line in lines[1:]
    ]
    import_csv(tmp_path, "students", "\n".join(roster) + "\n", county.user("superuser"))
    report = build(county.user("county_admin"), term=Term.objects.get(code=TERM))
    found = {(d.name, d.roster_status, d.placement) for d in report.disagreements}
    assert found == {("张伟", "enrolled", "home"), ("王芳", "home_taught", "")}
    assert {
        d.name
        for d in build(county.user("officer_b"), term=Term.objects.get(code=TERM)).disagreements
    } == {"王芳"}
