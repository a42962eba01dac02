"""One plan per child (一人一案): versions with goals, teachers, weekly schedule and review date; a new
version keeps the old ones, and each session points at the version in force on its day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from inclusion.build import (
    PLAN_FROM,
    SCHEDULE,
    decide,
    home_plan,
    load_registers,
    plan_version,
    propose,
    session,
    teacher,
)
from notoneless.inclusion import actions
from notoneless.inclusion.errors import InclusionRefused
from notoneless.inclusion.models import Plan, PlanVersion
from notoneless.inclusion.plans import parse_schedule
from web.county import County


def test_a_new_version_keeps_the_old_and_sessions_point_at_the_version_in_force(
    county: County, tmp_path: Path
):
    plan, code = home_plan(county, tmp_path)
    before = session(county, plan, code, date(2020, 11, 3))
    v2 = plan_version(
        county,
        plan.placement,
        valid_from=date(2020, 11, 16),
        teachers=("陈静", "孙磊"),
        goals="新增：认识数字1-10",
    )
    after = session(county, plan, code, date(2020, 11, 17))
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].goals.startswith("生活自理") and versions[1].goals == "新增：认识数字1-10"
    assert sorted(t.name for t in versions[0].teachers.all()) == ["陈静"]
    assert sorted(t.name for t in versions[1].teachers.all()) == ["孙磊", "陈静"]
    assert (before.version.number, after.version.number) == (1, 2)
    assert v2.pk == after.version_id
    assert Plan.objects.count() == 1  # one plan per child


def test_a_version_may_not_start_before_a_session_already_recorded(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    session(county, plan, code, date(2020, 11, 10))
    with pytest.raises(InclusionRefused) as refused:
        plan_version(county, plan.placement, valid_from=date(2020, 11, 9))
    assert refused.value.field == "valid_from"
    assert plan.versions.count() == 1


def test_a_schedule_with_fewer_visits_than_the_rules_require_is_refused(
    county: County, tmp_path: Path
):
    load_registers(county, tmp_path)
    placement = decide(county, propose(county))
    with pytest.raises(InclusionRefused, match="the rules require 2") as refused:
        actions.save_plan_version(
            placement=placement,
            goals="生活自理",
            teachers=[teacher("陈静")],
            schedule=SCHEDULE[:1],
            valid_from=PLAN_FROM,
            review_on=date(2021, 1, 15),
            acting_user=county.user("officer_a"),
        )
    assert refused.value.field == "schedule"
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"goals": ""}, "goals"),
        ({"teachers": []}, "teachers"),
        ({"schedule": [{"weekday": 9, "start": "09:00", "hours": 3}] * 2}, "schedule"),
        ({"review_on": date(2020, 11, 1)}, "review_on"),
    ],
)
def test_a_plan_missing_what_it_needs_is_refused_naming_the_field(
    county: County, tmp_path: Path, changes: dict[str, object], field: str
):
    load_registers(county, tmp_path)
    placement = decide(county, propose(county))
    args: dict[str, object] = {
        "placement": placement,
        "goals": "生活自理",
        "teachers": [teacher("陈静")],
        "schedule": SCHEDULE,
        "valid_from": PLAN_FROM,
        "review_on": date(2021, 1, 15),
        "acting_user": county.user("officer_a"),
    }
    args.update(changes)
    with pytest.raises(InclusionRefused) as refused:
        actions.save_plan_version(**args)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert not Plan.objects.exists()


def test_a_child_in_a_regular_class_without_special_support_has_no_plan(
    county: County, tmp_path: Path
):
    load_registers(county, tmp_path)
    placement = decide(county, propose(county), setting="regular")
    with pytest.raises(InclusionRefused, match="plans are for home-delivered"):
        plan_version(county, placement)


def test_a_plan_waits_for_the_committee(county: County, tmp_path: Path):
    load_registers(county, tmp_path)
    with pytest.raises(InclusionRefused, match="has not decided"):
        plan_version(county, propose(county))


def test_the_schedule_is_typed_as_weekday_start_and_hours():
    assert parse_schedule("周二 9:00 3\n4 14:30 2.5\n") == [
        {"weekday": 2, "start": "09:00", "hours": 3.0},
        {"weekday": 4, "start": "14:30", "hours": 2.5},
    ]
    with pytest.raises(InclusionRefused, match="line 2"):
        parse_schedule("周二 9:00 3\nTuesday morning")
