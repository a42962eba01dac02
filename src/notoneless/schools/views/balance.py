"""The balance pages: the county's indicators and their spread, each school's indicators (sortable,
filtered, as Excel), a school's balance sheet with its conditions, projects and itinerant lessons,
and the form that edits a year's conditions."""

from __future__ import annotations

import polars as pl
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from notoneless.schools import actions, balance, selectors
from notoneless.schools.access import may_edit_conditions, may_manage_schools
from notoneless.schools.exports import balance_tables
from notoneless.schools.forms import ConditionsForm
from notoneless.schools.models import Conditions
from notoneless.schools.views.common import (
    page,
    saved,
    schools_page,
    user_of,
    workbook,
    year_of,
)
from notoneless.web.caching import cached_in_scope

SORTABLE = {"code", "name", "township", "students", "met"}


def _report(request: HttpRequest) -> balance.BalanceReport:
    """The year's indicators in the user's scope, kept until the next write."""
    user = user_of(request)
    year = year_of(request, selectors.latest_conditions_year())
    return cached_in_scope(user, f"balance:{year}", lambda: selectors.balance_for(user, year))


@require_GET
@schools_page
def index(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    context = {
        "report": report,
        "year": report.year,
        "stages": report.stage_summary(),
        "cv": report.cv,
        # the county's CVs name schools county-wide; only those in the user's scope link to a page
        "in_scope": set(report.parts["school_id"].to_list()),
        "may_manage": may_manage_schools(user_of(request)),
    }
    return page(request, "schools/index.html", context)


def _filtered(request: HttpRequest, report: balance.BalanceReport) -> pl.DataFrame:
    parts = report.parts
    stage = request.GET.get("stage", "")
    if stage in ("primary", "junior"):
        parts = parts.filter(pl.col("stage") == stage)
    township = request.GET.get("township", "")
    if township:
        parts = parts.filter(pl.col("township") == township)
    verdict = request.GET.get("passes", "")
    if verdict in ("yes", "no"):
        parts = parts.filter(pl.col("assessed") & (pl.col("passes") == (verdict == "yes")))
    key = {i.key for i in report.rules.indicators}
    sort = request.GET.get("sort", "")
    name = sort.lstrip("-")
    if name in SORTABLE | key:
        parts = parts.sort(name, descending=sort.startswith("-"), nulls_last=True)
    return parts


@require_GET
@schools_page
def indicators(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    rows = _filtered(request, report)
    query = request.GET.copy()
    query.pop("sort", None)
    context = {
        "report": report,
        "year": report.year,
        "rows": rows.to_dicts(),
        "indicators": report.rules.indicators,
        "townships": sorted(set(report.parts["township"].to_list())),
        "filters": request.GET,
        "query": query.urlencode(),
    }
    return page(request, "schools/indicators.html", context)


@require_GET
@schools_page
def indicators_xlsx(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    report.parts = _filtered(request, report)
    return workbook(request, "balance", balance_tables(report), edition=str(report.year))


@require_GET
@schools_page
def school(request: HttpRequest, school_id: int) -> HttpResponse:
    user = user_of(request)
    found = selectors.get_school(user, school_id)
    report = _report(request)
    plan = selectors.latest_plan(user)
    context = {
        "school": found,
        "year": report.year,
        "explained": balance.explain(report, found.pk),
        "conditions": selectors.conditions_of(user, found),
        "projects": selectors.projects_for(user, school=found)[:50],
        "plan": plan,
        "lessons": selectors.plan_lessons(user, plan, school=found) if plan else [],
        "uncovered": selectors.plan_uncovered(user, plan, school=found) if plan else [],
        "may_edit": may_edit_conditions(user),
    }
    return page(request, "schools/school.html", context)


def _initial(row: Conditions | None) -> dict[str, object]:
    if row is None:
        return {}
    return {
        "version": row.version,
        "teaching_floor_m2": row.teaching_floor_m2,
        "sports_ground_m2": row.sports_ground_m2,
        "equipment_value_yuan": row.equipment_value_fen / 100,
        "multimedia_classrooms": row.multimedia_classrooms,
        "books": row.books,
        "computers": row.computers,
        "specialist_rooms": row.specialist_rooms,
        "remote_classrooms": row.remote_classrooms,
    }


@require_http_methods(["GET", "POST"])
@schools_page
def edit_conditions(request: HttpRequest, school_id: int, year: int) -> HttpResponse:
    user = user_of(request)
    if not may_edit_conditions(user):
        raise PermissionDenied("this role does not edit conditions")
    found = selectors.get_school(user, school_id)
    current = selectors.conditions_of(user, found).filter(year=year).first()
    form = ConditionsForm(request.POST or None, initial=_initial(current))
    status = 200
    if request.method == "POST":
        result, status = saved(
            request,
            form,
            lambda: actions.save_conditions(
                school=found,
                year=year,
                values=form.values(),
                version=form.cleaned_data["version"],
                acting_user=user,
            ),
        )
        if result is not None:
            messages.success(request, _("Conditions saved."))
            return redirect("schools_school", school_id=found.pk)
    context = {"school": found, "year": year, "form": form, "current": current}
    return page(request, "schools/conditions_form.html", context, status=status)
