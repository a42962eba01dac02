"""The schools area on a generated county, imported as the demo imports it: the conditions in 万元
read right, the five years' projects add up to the seed's totals (scaled), and the week of
itinerant teaching is a valid plan (every rule checked on the output) that covers lessons in every
township with itinerant teachers."""

from __future__ import annotations

from pathlib import Path

import pytest

from notoneless.demo.generator import generate
from notoneless.demo.generator.scales import BUILDING_YUAN, EQUIPMENT_YUAN, SCALES
from notoneless.demo.management.commands.demo import expected_files, run_import
from notoneless.schools import balance, frames
from notoneless.schools.itinerant.plan import plan_outcome
from notoneless.schools.models import Project
from notoneless.schools.projects import totals
from schools.plan_checks import Lesson, route_minutes, violations

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
KINDS = (
    "divisions",
    "schools",
    "students",
    "teachers",
    "school-conditions",
    "projects",
    "honours",
    "travel-times",
)


@pytest.fixture(scope="module")
def small_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    generate("small", 7, folder)
    return folder


@pytest.fixture
def small(small_files: Path) -> None:
    files = expected_files(small_files)
    issues = small_files / "issues"
    issues.mkdir(exist_ok=True)
    for kind in KINDS:
        run_import(kind, files[kind], issues)


def test_the_five_years_of_projects_add_up_to_the_seed_scaled(small: None) -> None:
    factor = SCALES["small"].factor
    five = totals(Project.objects.filter(year__range=(2016, 2020)))
    assert five.group("building") == round(BUILDING_YUAN * factor) * 100
    assert five.group("equipment") == round(EQUIPMENT_YUAN * factor) * 100
    assert five.sentence().startswith("2016—2020年累计投入")


def test_the_indicators_are_computed_for_every_compulsory_school(small: None) -> None:
    report = balance.build(2020)
    assert report.assessed.height > 10
    reasons = set(report.parts["not_assessed_reason"].to_list())
    assert "no_conditions" not in reasons  # every school has its 2020 conditions
    equipment = report.assessed["equipment_value"]
    # read as 万元: a few thousand yuan per pupil, around the standard, never a few yuan
    assert 1_000 < equipment.median() < 6_000
    assert all(c.cv is not None for c in report.cv)


def test_the_demo_week_of_itinerant_teaching_keeps_every_rule(small: None) -> None:
    outcome = plan_outcome(frames.autumn_term(2020), time_limit=20)
    lessons = [
        Lesson(x.teacher_id, x.school_id, x.grade, x.class_name, x.subject, x.day, x.period)
        for x in outcome.lessons
    ]
    open_ = {
        (n.school_id, n.grade, n.class_name, n.subject): outcome.solution.uncovered[n.index]
        for n in outcome.problem.needs
        if outcome.solution.uncovered.get(n.index)
    }
    assert violations(outcome.problem, lessons, open_) == []
    assert outcome.solution.status in ("optimal", "feasible")
    rows = outcome.townships()
    with_teachers = [r for r in rows if r["teachers"]]
    assert with_teachers and all(r["covered"] > 0 for r in with_teachers)
    assert sum(r["travel_minutes"] for r in rows) == route_minutes(outcome.problem, lessons)
    assert all(
        n.index in outcome.reasons
        for n in outcome.problem.needs
        if outcome.solution.uncovered.get(n.index)
    )
