"""The itinerant-teaching planner on the test county: every rule holds on the output (checked
independently by ``plan_checks``), lessons left open say why, bad input is named, the plan is saved
and the command prints its coverage and travel."""

from __future__ import annotations

import itertools
import json
import random
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from notoneless.audit.models import AuditEntry
from notoneless.registry.imports import import_file
from notoneless.schools import frames
from notoneless.schools.errors import SchoolsRefused
from notoneless.schools.itinerant.periods import colour_edges
from notoneless.schools.itinerant.plan import make_plan, plan_outcome, uncovered_reasons
from notoneless.schools.itinerant.problem import build_problem
from notoneless.schools.itinerant.solver import day_patterns, solve
from notoneless.schools.models import ItinerantPlan, PlannedLesson, UncoveredLesson
from notoneless.schools.rules_data import itinerant_rules, staffing_rules
from schools.county import N1, P2, SCHOOLS, T1, County, teachers_csv
from schools.plan_checks import Lesson, route_minutes, violations

pytestmark = pytest.mark.django_db


def _checked(outcome) -> list[Lesson]:
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
    return lessons


def test_the_plan_keeps_every_rule_and_covers_what_the_teachers_can(county: County) -> None:
    outcome = plan_outcome(frames.autumn_term(2020), time_limit=10)
    lessons = _checked(outcome)
    walk = county.teacher("p1_walk").pk
    # art is asked for far beyond one teacher's week: the art teacher gives all twelve lessons
    assert sum(1 for x in lessons if x.teacher_id == walk) == 12
    assert outcome.solution.status == "optimal"
    rows = {r["township"]: r for r in outcome.townships()}
    assert rows["鱼河镇"]["covered"] == len(lessons)
    assert rows["鱼河镇"]["travel_minutes"] == route_minutes(outcome.problem, lessons)


def test_each_lesson_left_open_says_why(county: County) -> None:
    outcome = plan_outcome(frames.autumn_term(2020), time_limit=10)
    reasons = {
        (outcome.problem.schools[n.school_id].township, n.school_id, n.subject): outcome.reasons[
            n.index
        ]
        for n in outcome.problem.needs
        if outcome.solution.uncovered.get(n.index)
    }
    p2, n1 = county.school(P2).pk, county.school(N1).pk
    music = reasons[("上盐湾镇", p2, "音乐")]
    assert music.code == "no_teacher" and "上盐湾镇" in music.detail
    assert reasons[("鱼河镇", n1, "信息技术")].code == "no_teacher"
    art = [
        r for (town, _s, subject), r in reasons.items() if subject == "美术" and town == "鱼河镇"
    ]
    assert art and all(r.code == "capacity" and "教师p1_walk" in r.detail for r in art)


def test_schools_beyond_reach_are_left_open_as_too_far(county: County) -> None:
    rules = itinerant_rules()
    short = rules.model_copy(
        update={"reach": rules.reach.model_copy(update={"max_one_way_minutes": 20})}
    )
    problem = build_problem(frames.autumn_term(2020), rules=short)
    solution = solve(problem, time_limit=5)
    t1 = [n for n in problem.needs if n.school_id == county.school(T1).pk and n.subject == "美术"]
    reasons = uncovered_reasons(problem, solution)
    assert t1 and all(reasons[n.index].code == "too_far" for n in t1)
    assert "25分钟" in reasons[t1[0].index].detail  # the travel table's time, not the estimate


def test_missing_road_times_are_noted_and_those_schools_left_out(
    county: County, tmp_path: Path
) -> None:
    # N1 loses its coordinates: no estimate, and the travel table has no pair with it
    path = tmp_path / "schools.csv"
    path.write_text(SCHOOLS.replace(",109.760000,38.100000", ",,"), encoding="utf-8")
    assert import_file("schools", path).ok
    outcome = plan_outcome(frames.autumn_term(2020), time_limit=5)
    _checked(outcome)
    notes = [n for n in outcome.problem.notes if n.code == "travel_unknown"]
    assert notes and "鱼河镇九年制学校" in notes[0].zh
    n1 = county.school(N1).pk
    assert not any(x.school_id == n1 for x in outcome.lessons)
    assert any(
        outcome.reasons[n.index].code == "travel_unknown"
        for n in outcome.problem.needs
        if n.school_id == n1 and n.subject == "美术"
    )


def test_an_itinerant_teacher_without_an_itinerant_subject_is_noted(
    county: County, tmp_path: Path
) -> None:
    text = teachers_csv().replace(",美术,本科,走教教师", ",语文,本科,走教教师")
    path = tmp_path / "teachers.csv"
    path.write_text(text, encoding="utf-8")
    assert import_file("teachers", path).ok
    problem = build_problem(frames.autumn_term(2020))
    notes = [n for n in problem.notes if n.code == "teacher_without_subjects"]
    assert notes and "教师p1_walk" in notes[0].zh and "语文" in notes[0].zh
    assert county.teacher("p1_walk").pk not in {t.teacher_id for t in problem.teachers}


def test_more_lessons_a_week_than_days_are_noted_and_the_rest_left_open(county: County) -> None:
    staffing = staffing_rules()
    pe = staffing.subjects[0].model_copy(update={"lessons": (7, 4, 3, 3, 3, 3, 3, 3, 3)})
    rules = staffing.model_copy(update={"subjects": (pe, *staffing.subjects[1:])})
    problem = build_problem(frames.autumn_term(2020), staffing=rules)
    assert any(n.code == "more_lessons_than_days" for n in problem.notes)


def test_the_plan_is_saved_with_its_lessons_and_reasons_and_audited(county: County) -> None:
    plan = make_plan(
        term=frames.autumn_term(2020), acting_user=county.user("county_admin"), time_limit=10
    )
    assert plan.covered == PlannedLesson.objects.filter(plan=plan).count() > 0
    open_ = sum(UncoveredLesson.objects.filter(plan=plan).values_list("lessons", flat=True))
    assert plan.covered + open_ == plan.demanded
    assert AuditEntry.objects.filter(
        action="schools.itinerant_plan", object_id=str(plan.pk)
    ).exists()


def test_only_the_county_administrator_makes_plans(county: County) -> None:
    with pytest.raises(SchoolsRefused):
        make_plan(term=frames.autumn_term(2020), acting_user=county.user("officer_p1"))
    assert not ItinerantPlan.objects.exists()


def test_the_command_prints_coverage_and_travel_as_json(county: County) -> None:
    out = StringIO()
    call_command("schools", "plan-itinerant", "--json", "--time-limit", "5", stdout=out)
    data = json.loads(out.getvalue())
    assert data["covered"] + data["uncovered"] == data["demanded"] > 0
    assert data["status"] == "optimal" and data["gap"] == 0
    assert data["travel_minutes"] == sum(t["travel_minutes"] for t in data["townships"])
    towns = {t["township"] for t in data["townships"]}
    assert towns == {"鱼河镇", "上盐湾镇"}
    assert data["uncovered_at_least"] <= data["uncovered"]


def test_periods_never_give_a_teacher_or_a_class_two_lessons_at_once() -> None:
    rng = random.Random(7)
    for _ in range(300):
        periods = rng.randint(1, 4)
        edges: list[tuple[int, int]] = []
        left: dict[int, int] = {}
        right: dict[int, int] = {}
        for _ in range(rng.randint(0, 20)):
            a, b = rng.randint(0, 5), rng.randint(0, 5)
            if left.get(a, 0) < periods and right.get(b, 0) < periods:
                edges.append((a, b))
                left[a] = left.get(a, 0) + 1
                right[b] = right.get(b, 0) + 1
        colours = colour_edges(edges, periods)
        assert all(0 <= c < periods for c in colours)
        for side in (0, 1):
            seen = {(e[side], c) for e, c in zip(edges, colours, strict=True)}
            assert len(seen) == len(edges)


def test_a_second_school_in_a_day_only_after_a_break_long_enough_for_the_drive(
    county: County,
) -> None:
    problem = build_problem(frames.autumn_term(2020))
    teacher = next(t for t in problem.teachers if t.teacher_id == county.teacher("p1_walk").pk)
    schools = sorted({n.school_id for n in problem.needs if problem.reach(teacher, n.school_id)})
    patterns = day_patterns(problem, teacher, schools)
    gap = problem.rules.gap_minutes(0)
    for p in patterns:
        a, b = p.places
        if a != b:
            assert problem.travel.minutes(a, b) <= gap
        route = [teacher.base_id, *p.places, teacher.base_id]
        assert p.minutes == sum(problem.travel.minutes(x, y) for x, y in itertools.pairwise(route))
    assert any(p.places[0] != p.places[1] for p in patterns)
