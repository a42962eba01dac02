"""Reads of the schools area, always scoped: the schools a user may see (``registry.selectors``),
their balance rows, conditions, projects, staffing, training and itinerant lessons. County figures
(the coefficients of variation, county totals) are shown to every reader; rows about schools only
within scope. An object out of scope is not found (404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import Max, Q, QuerySet
from django.http import Http404

from notoneless.accounts.models import User
from notoneless.registry.models import School, Teacher, Term
from notoneless.registry.selectors import is_county_wide, schools_for
from notoneless.schools import balance, staffing, training
from notoneless.schools.access import may_read_schools, may_see_own_timetable
from notoneless.schools.models import (
    Conditions,
    ItinerantPlan,
    PlannedLesson,
    Project,
    UncoveredLesson,
)

__all__ = [
    "balance_for",
    "conditions_of",
    "get_plan",
    "get_project",
    "get_school",
    "latest_conditions_year",
    "latest_plan",
    "my_lessons",
    "plan_lessons",
    "plan_townships",
    "plan_uncovered",
    "projects_for",
    "school_ids_for",
    "staffing_for",
    "training_for",
]


def school_ids_for(user: User) -> list[int] | None:
    """The ids of the schools in scope; None for county-wide roles (every school)."""
    if not may_read_schools(user):
        return []
    if is_county_wide(user):
        return None
    return list(schools_for(user).values_list("pk", flat=True))


def get_school(user: User, school_id: int) -> School:
    if not may_read_schools(user):
        raise Http404("no such school")
    found = schools_for(user).filter(pk=school_id).first()
    if found is None:
        raise Http404("no such school")
    return found


def _scoped(frame: pl.DataFrame, ids: list[int] | None) -> pl.DataFrame:
    return frame if ids is None else frame.filter(pl.col("school_id").is_in(ids))


def balance_for(user: User, year: int) -> balance.BalanceReport:
    """The county's report for ``year``, its school rows cut to the user's schools (the county's
    coefficients of variation stay whole: they are the county's, not a school's)."""
    report = balance.build(year)
    report.parts = _scoped(report.parts, school_ids_for(user))
    return report


def staffing_for(user: User, term: Term | None) -> staffing.StaffingReport:
    report = staffing.build(term)
    ids = school_ids_for(user)
    report.schools = _scoped(report.schools, ids)
    report.subjects = _scoped(report.subjects, ids)
    return report


def training_for(user: User) -> training.TrainingReport:
    return training.build(school_ids_for(user))


def latest_conditions_year() -> int | None:
    """The latest year any school has conditions for (the balance pages open on it)."""
    return Conditions.objects.aggregate(latest=Max("year"))["latest"]


def conditions_of(user: User, school: School) -> QuerySet[Conditions]:
    get_school(user, school.pk)
    return Conditions.objects.filter(school=school).order_by("-year")


def projects_for(
    user: User,
    *,
    year: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    school: School | None = None,
    query: str = "",
) -> QuerySet[Project]:
    """Projects in scope; county-wide projects (no school) only for county-wide roles."""
    ids = school_ids_for(user)
    rows = Project.objects.select_related("school", "school__township")
    if ids is not None:
        rows = rows.filter(school_id__in=ids)
    if year:
        rows = rows.filter(year=year)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if school is not None:
        rows = rows.filter(school=school)
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return rows.order_by("-year", "code")


def get_project(user: User, project_id: int) -> Project:
    found = projects_for(user).filter(pk=project_id).first()
    if found is None:
        raise Http404("no such project")
    return found


# --- itinerant plans ----------------------------------------------------------------------------


def latest_plan(user: User, term: Term | None = None) -> ItinerantPlan | None:
    if not (may_read_schools(user) or may_see_own_timetable(user)):
        return None
    plans = ItinerantPlan.objects.select_related("term", "created_by")
    if term is not None:
        plans = plans.filter(term=term)
    return plans.first()


def get_plan(user: User, plan_id: int) -> ItinerantPlan:
    if not (may_read_schools(user) or may_see_own_timetable(user)):
        raise Http404("no such plan")
    found = ItinerantPlan.objects.select_related("term").filter(pk=plan_id).first()
    if found is None:
        raise Http404("no such plan")
    return found


def _lesson_scope(user: User) -> Q:
    if may_see_own_timetable(user) and not may_read_schools(user):
        return Q(teacher_id=user.teacher_id or 0)
    ids = school_ids_for(user)
    return Q() if ids is None else Q(school_id__in=ids) | Q(teacher__school_id__in=ids)


def plan_lessons(
    user: User,
    plan: ItinerantPlan,
    *,
    school: School | None = None,
    teacher: Teacher | None = None,
) -> QuerySet[PlannedLesson]:
    rows = PlannedLesson.objects.filter(plan=plan).filter(_lesson_scope(user))
    if school is not None:
        rows = rows.filter(school=school)
    if teacher is not None:
        rows = rows.filter(teacher=teacher)
    return rows.select_related("teacher", "teacher__school", "school").order_by(
        "teacher__name", "teacher_id", "day", "period"
    )


def plan_uncovered(
    user: User, plan: ItinerantPlan, *, school: School | None = None
) -> QuerySet[UncoveredLesson]:
    ids = school_ids_for(user)
    rows = UncoveredLesson.objects.filter(plan=plan).select_related("school", "school__township")
    if ids is not None:
        rows = rows.filter(school_id__in=ids)
    if school is not None:
        rows = rows.filter(school=school)
    return rows.order_by("school__township__code", "school__code", "grade", "class_name", "subject")


def plan_townships(user: User, plan: ItinerantPlan) -> list[dict[str, Any]]:
    """The plan's figures per township, cut to the user's townships for school and township roles."""
    rows = list(plan.summary.get("townships", []))
    ids = school_ids_for(user)
    if ids is None:
        return rows
    names = set(School.objects.filter(pk__in=ids).values_list("township__name", flat=True))
    return [r for r in rows if r["township"] in names]


@dataclass(frozen=True)
class MyWeek:
    plan: ItinerantPlan | None
    lessons: list[PlannedLesson]


def my_lessons(user: User) -> MyWeek:
    """A teacher's own itinerant week in the latest plan."""
    if not may_see_own_timetable(user):
        return MyWeek(None, [])
    plan = latest_plan(user)
    if plan is None:
        return MyWeek(None, [])
    rows = PlannedLesson.objects.filter(plan=plan, teacher_id=user.teacher_id or 0)
    return MyWeek(plan, list(rows.select_related("school").order_by("day", "period")))
