"""Making and saving a week's plan of itinerant teaching: the input from the registers, the solver,
the periods, the reason for every lesson left uncovered, and the figures per township. One action,
``make_plan``, used by the CLI, the web and the demo."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from notoneless.audit.actions import record
from notoneless.registry.models import Term
from notoneless.schools.access import may_manage_schools
from notoneless.schools.errors import SchoolsRefused
from notoneless.schools.itinerant.periods import TimetabledLesson, timetable
from notoneless.schools.itinerant.problem import ClassNeed, Problem, build_problem
from notoneless.schools.itinerant.routes import weeks
from notoneless.schools.itinerant.solver import Solution, solve
from notoneless.schools.models import ItinerantPlan, PlannedLesson, UncoveredLesson

__all__ = ["Outcome", "make_plan", "plan_outcome", "plan_summary", "save_plan", "uncovered_reasons"]


@dataclass(frozen=True)
class Reason:
    code: str
    detail: str


@dataclass
class Outcome:
    """A solved week before it is saved: the problem, the solution, the timetable, the reasons."""

    problem: Problem
    solution: Solution
    lessons: list[TimetabledLesson]
    reasons: dict[int, Reason]

    def townships(self) -> list[dict[str, Any]]:
        return township_rows(self)


def _teachers_of(problem: Problem, subject: str, township_id: int) -> list[Any]:
    return [
        t
        for t in problem.teachers
        if subject in t.subjects
        and (
            not problem.rules.reach.same_township_only
            or problem.schools[t.base_id].township_id == township_id
        )
    ]


def _out_of_reach(problem: Problem, need: ClassNeed, candidates: list[Any]) -> Reason:
    """Teachers of the subject exist, none within reach: say whether road times are missing or the
    nearest is too far."""
    minutes = [problem.travel.minutes(t.base_id, need.school_id) for t in candidates]
    known = [m for m in minutes if m is not None]
    if not known:
        return Reason(
            "travel_unknown",
            "没有与走教教师所在学校之间的路程时间 / no road time to the itinerant teachers' schools",
        )
    limit = problem.rules.reach.max_one_way_minutes
    return Reason(
        "too_far",
        f"最近的{need.subject}走教教师单程{min(known)}分钟，超过{limit}分钟 / the nearest "
        f"itinerant teacher is {min(known)} minutes away, more than {limit}",
    )


@dataclass
class _Loads:
    """Lessons and days away each teacher has in a solution."""

    lessons: dict[int, int]
    trips: dict[int, int]

    @classmethod
    def of(cls, problem: Problem, solution: Solution) -> _Loads:
        base = {t.teacher_id: t.base_id for t in problem.teachers}
        lessons: dict[int, int] = defaultdict(int)
        days: dict[int, set[int]] = defaultdict(set)
        for lesson in solution.lessons:
            lessons[lesson.teacher_id] += 1
            if lesson.need.school_id != base[lesson.teacher_id]:
                days[lesson.teacher_id].add(lesson.day)
        return cls(dict(lessons), {t: len(d) for t, d in days.items()})


def _at_capacity(solution: Solution, loads: _Loads, in_reach: list[Any]) -> Reason:
    full = []
    for t in in_reach:
        limits = []
        if loads.lessons.get(t.teacher_id, 0) >= t.max_lessons:
            limits.append(f"课时{t.max_lessons}节")
        if loads.trips.get(t.teacher_id, 0) >= t.max_trips:
            limits.append(f"行程{t.max_trips}次")
        full.append(f"{t.name}（{'、'.join(limits) or '时段已排满'}）")
    unproven = "" if solution.status == "optimal" else "；求解未证明最优 / not proven optimal"
    return Reason(
        "capacity",
        f"可到达的走教教师已排满：{'，'.join(full[:5])} / the itinerant teachers in reach are "
        f"fully booked{unproven}",
    )


def uncovered_reasons(problem: Problem, solution: Solution) -> dict[int, Reason]:
    """Why each need keeps lessons open (need index → reason)."""
    covered: dict[int, int] = defaultdict(int)
    for lesson in solution.lessons:
        covered[lesson.need.index] += 1
    days = len(problem.rules.days)
    loads = _Loads.of(problem, solution)
    out = {}
    for need in problem.needs:
        if not solution.uncovered.get(need.index):
            continue
        school = problem.schools[need.school_id]
        candidates = _teachers_of(problem, need.subject, school.township_id)
        in_reach = [t for t in candidates if problem.reach(t, need.school_id) is not None]
        if not candidates:
            where = school.township if problem.rules.reach.same_township_only else "全县"
            out[need.index] = Reason(
                "no_teacher",
                f"{where}没有{need.subject}走教教师 / no itinerant {need.subject} teacher in "
                f"{where}",
            )
        elif not in_reach:
            out[need.index] = _out_of_reach(problem, need, candidates)
        elif need.lessons > days and covered[need.index] >= days:
            out[need.index] = Reason(
                "more_lessons_than_days",
                f"每周需{need.lessons}节，走教每天最多1节 / {need.lessons} lessons a week, at most "
                "one a day",
            )
        else:
            out[need.index] = _at_capacity(solution, loads, in_reach)
    return out


def plan_outcome(term: Term | None, *, time_limit: float | None = None) -> Outcome:
    """Build, solve and timetable the week of ``term`` (nothing saved)."""
    problem = build_problem(term)
    solution = solve(problem, time_limit=time_limit)
    lessons = timetable(problem, solution.lessons)
    return Outcome(problem, solution, lessons, uncovered_reasons(problem, solution))


def township_rows(outcome: Outcome) -> list[dict[str, Any]]:
    """Per township: lessons needed and covered, uncovered by reason, teachers, trips, road minutes."""
    problem = outcome.problem
    rows: dict[int, dict[str, Any]] = {}

    def row(township_id: int) -> dict[str, Any]:
        if township_id not in rows:
            school = next(s for s in problem.schools.values() if s.township_id == township_id)
            rows[township_id] = {
                "township": school.township,
                "demanded": 0,
                "covered": 0,
                "uncovered": 0,
                "uncovered_by_reason": defaultdict(int),
                "teachers": 0,
                "trips": 0,
                "travel_minutes": 0,
                "schools_served": set(),
            }
        return rows[township_id]

    for need in problem.needs:
        r = row(problem.schools[need.school_id].township_id)
        r["demanded"] += need.lessons
        open_ = outcome.solution.uncovered.get(need.index, 0)
        r["uncovered"] += open_
        if open_:
            r["uncovered_by_reason"][outcome.reasons[need.index].code] += open_
    for lesson in outcome.lessons:
        r = row(problem.schools[lesson.school_id].township_id)
        r["covered"] += 1
        r["schools_served"].add(lesson.school_id)
    bases = {t.teacher_id: t.base_id for t in problem.teachers}
    lessons = [(x.teacher_id, x.day, x.period, x.school_id) for x in outcome.lessons]
    for week in weeks(problem.rules, problem.travel, bases, lessons).values():
        r = row(problem.schools[week.base_id].township_id)
        r["teachers"] += 1
        r["trips"] += week.trips
        r["travel_minutes"] += week.travel_minutes
    out = []
    for r in sorted(rows.values(), key=lambda r: r["township"]):
        r["uncovered_by_reason"] = dict(r["uncovered_by_reason"])
        r["schools_served"] = len(r["schools_served"])
        r["coverage"] = round(r["covered"] / r["demanded"], 4) if r["demanded"] else None
        out.append(r)
    return out


def make_plan(*, term: Term, acting_user: Any, time_limit: float | None = None) -> ItinerantPlan:
    """Work out and save the week's itinerant teaching for ``term``: the county administrator's
    action. Lessons that stay uncovered are saved with their reason."""
    if not may_manage_schools(acting_user):
        raise SchoolsRefused("无权制定走教计划 / this role cannot make itinerant plans")
    outcome = plan_outcome(term, time_limit=time_limit)
    return save_plan(outcome, term=term, acting_user=acting_user, time_limit=time_limit)


def save_plan(
    outcome: Outcome, *, term: Term, acting_user: Any, time_limit: float | None
) -> ItinerantPlan:
    problem, solution = outcome.problem, outcome.solution
    townships = township_rows(outcome)
    demanded = sum(n.lessons for n in problem.needs)
    with transaction.atomic():
        plan = ItinerantPlan.objects.create(
            term=term,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
            rules_version=problem.rules.version,
            status=solution.status,
            wall_seconds=Decimal(f"{solution.seconds:.2f}"),
            time_limit_seconds=round(time_limit or problem.rules.solver.time_limit_seconds),
            demanded=demanded,
            covered=len(outcome.lessons),
            travel_minutes=sum(t["travel_minutes"] for t in townships),
            trips=sum(t["trips"] for t in townships),
            gap=Decimal(f"{solution.gap:.4f}"),
            summary={
                "townships": townships,
                "parts": [p.as_dict() for p in solution.parts],
                "uncovered_at_least": solution.uncovered_at_least,
            },
            problems=[n.as_dict() for n in problem.notes],
        )
        PlannedLesson.objects.bulk_create(
            PlannedLesson(
                plan=plan,
                teacher_id=x.teacher_id,
                school_id=x.school_id,
                grade=x.grade,
                class_name=x.class_name,
                subject=x.subject,
                day=x.day,
                period=x.period,
            )
            for x in outcome.lessons
        )
        UncoveredLesson.objects.bulk_create(
            UncoveredLesson(
                plan=plan,
                school_id=need.school_id,
                grade=need.grade,
                class_name=need.class_name,
                subject=need.subject,
                lessons=solution.uncovered[need.index],
                reason=outcome.reasons[need.index].code,
                detail=outcome.reasons[need.index].detail[:300],
            )
            for need in problem.needs
            if solution.uncovered.get(need.index)
        )
        record(
            "schools.itinerant_plan",
            acting_user=acting_user,
            object_type="ItinerantPlan",
            object_id=plan.pk,
            detail={
                "term": term.code,
                "status": plan.status,
                "demanded": demanded,
                "covered": plan.covered,
                "gap": float(plan.gap),
            },
        )
    return plan


def plan_summary(plan: ItinerantPlan) -> dict[str, Any]:
    """A saved plan's figures: coverage, travel, how far from optimal, per township and part."""
    parts = plan.summary.get("parts", [])
    return {
        "plan": plan.pk,
        "term": plan.term.code,
        "status": plan.status,
        "gap": float(plan.gap),
        "seconds": float(plan.wall_seconds),
        "time_limit_seconds": plan.time_limit_seconds,
        "demanded": plan.demanded,
        "covered": plan.covered,
        "uncovered": plan.demanded - plan.covered,
        "uncovered_at_least": plan.summary.get("uncovered_at_least", 0),
        "coverage": round(plan.covered / plan.demanded, 4) if plan.demanded else None,
        "travel_minutes": plan.travel_minutes,
        "trips": plan.trips,
        "townships": plan.summary.get("townships", []),
        "parts": parts,
        "problems": plan.problems,
    }
