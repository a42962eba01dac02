"""The itinerant-teaching pages: a plan's coverage per township, how good it is, the input it could
not use, the lessons left open and why, each teacher's week; the form that makes a new plan (the
county administrator), the plan as Excel, and a teacher's own week."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notoneless.jobs.actions import enqueue
from notoneless.registry.models import Teacher
from notoneless.registry.selectors import current_term
from notoneless.schools import selectors
from notoneless.schools.access import may_manage_schools, may_see_own_timetable
from notoneless.schools.exports import plan_tables
from notoneless.schools.forms import PlanForm
from notoneless.schools.itinerant.plan import plan_summary
from notoneless.schools.models import ItinerantPlan, PlannedLesson
from notoneless.schools.rules_data import itinerant_rules
from notoneless.schools.views.common import page, schools_page, user_of, workbook
from notoneless.web.nav import navigation


def _plan(request: HttpRequest, plan_id: int | None) -> ItinerantPlan | None:
    user = user_of(request)
    return selectors.get_plan(user, plan_id) if plan_id else selectors.latest_plan(user)


@require_GET
@schools_page
def plan(request: HttpRequest, plan_id: int | None = None) -> HttpResponse:
    user = user_of(request)
    found = _plan(request, plan_id)
    teachers: list[dict[str, Any]] = []
    if found is not None:
        teachers = [
            dict(row)
            for row in selectors.plan_lessons(user, found)
            .values("teacher_id", "teacher__name", "teacher__school__name")
            .annotate(lessons=Count("id"), schools=Count("school", distinct=True))
            .order_by("teacher__school__name", "teacher__name")
        ]
    context = {
        "plan": found,
        "summary": plan_summary(found) if found else None,
        "townships": selectors.plan_townships(user, found) if found else [],
        "teachers": teachers,
        "uncovered": selectors.plan_uncovered(user, found)[:300] if found else [],
        "may_plan": may_manage_schools(user),
        "form": PlanForm(initial={"time_limit": itinerant_rules().solver.time_limit_seconds}),
    }
    return page(request, "schools/plan.html", context)


@require_POST
@schools_page
def make(request: HttpRequest) -> HttpResponse:
    """Queue the planner; the job's page follows it and links to the plan."""
    user = user_of(request)
    if not may_manage_schools(user):
        raise PermissionDenied("this role does not make plans")
    form = PlanForm(request.POST)
    term = current_term()
    if not form.is_valid() or term is None:
        messages.error(
            request, _("Give a time limit of 5 to 300 seconds (and import a term first).")
        )
        return redirect("schools_plan")
    params = {"term": term.code, "time_limit": form.cleaned_data["time_limit"]}
    job = enqueue("schools.plan_itinerant", params, acting_user=user)
    return redirect("job_detail", job_id=job.pk)


@require_GET
@schools_page
def plan_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    found = selectors.get_plan(user, plan_id)
    tables = plan_tables(
        found,
        selectors.plan_townships(user, found),
        selectors.plan_lessons(user, found),
        selectors.plan_uncovered(user, found),
    )
    return workbook(request, "itinerant", tables, edition=f"plan-{found.pk}")


def week_grid(
    lessons: list[PlannedLesson], days: int, periods: int
) -> list[list[list[PlannedLesson]]]:
    """Rows of periods, columns of days, each cell the lessons then (one in a valid plan)."""
    cells: dict[tuple[int, int], list[PlannedLesson]] = defaultdict(list)
    for lesson in lessons:
        cells[(lesson.period, lesson.day)].append(lesson)
    return [[cells[(p, d)] for d in range(1, days + 1)] for p in range(1, periods + 1)]


def _week_context(found: ItinerantPlan, lessons: list[PlannedLesson]) -> dict[str, Any]:
    rules = itinerant_rules()
    return {
        "plan": found,
        "days": rules.days,
        "grid": week_grid(lessons, len(rules.days), rules.periods_per_day),
        "lessons": lessons,
    }


@require_GET
@schools_page
def teacher_week(request: HttpRequest, plan_id: int, teacher_id: int) -> HttpResponse:
    user = user_of(request)
    found = selectors.get_plan(user, plan_id)
    lessons = list(selectors.plan_lessons(user, found).filter(teacher_id=teacher_id))
    if not lessons:
        raise Http404("no such teacher in the plan")
    teacher = Teacher.objects.select_related("school").get(pk=teacher_id)
    return page(request, "schools/week.html", {"teacher": teacher, **_week_context(found, lessons)})


@require_GET
@login_required
def my_week(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not may_see_own_timetable(user):
        raise PermissionDenied("no itinerant timetable for this account")
    week = selectors.my_lessons(user)
    context: dict[str, Any] = {
        "nav": navigation(user),
        "active": "my_week",
        "teacher": user.teacher,
    }
    if week.plan is not None:
        context.update(_week_context(week.plan, week.lessons))
    return render(request, "schools/week.html", context)
