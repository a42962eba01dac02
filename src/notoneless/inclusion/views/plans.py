"""A child's plan (一人一案): its versions, sessions and pauses; a new version; the guardian's code."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notoneless.inclusion import actions, selectors
from notoneless.inclusion.access import may_manage_plans, may_record_sessions
from notoneless.inclusion.errors import InclusionRefused
from notoneless.inclusion.forms import PauseForm, PlanVersionForm
from notoneless.inclusion.plans import parse_schedule
from notoneless.inclusion.views.common import form_errors, inclusion_page, page, user_of
from notoneless.registry.models import Teacher


@require_GET
@inclusion_page
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan = selectors.get_plan(user, plan_id)
    versions = list(plan.versions.prefetch_related("teachers").order_by("-number"))
    sessions = list(plan.sessions.select_related("teacher", "version").order_by("-held_on")[:200])
    context = {
        "plan": plan,
        "versions": versions,
        "sessions": sessions,
        "pauses": selectors.pauses_of(plan),
        "may_manage": may_manage_plans(user),
        "may_record": may_record_sessions(user) and plan.home_teaching,
        "pause_form": PauseForm(),
        "code": request.session.pop(f"inclusion-code-{plan.pk}", None),
    }
    return page(request, "inclusion/plan_detail.html", context)


def _schedule_text(schedule: list[dict[str, object]]) -> str:
    return "\n".join(f"{v['weekday']} {v['start']} {v['hours']:g}" for v in schedule)


@require_http_methods(["GET", "POST"])
@inclusion_page
def plan_version(request: HttpRequest, placement_id: int) -> HttpResponse:
    """A new version of the child's plan (the first one creates the plan)."""
    user = user_of(request)
    if not may_manage_plans(user):
        raise PermissionDenied("this role does not write plans")
    placement = selectors.get_placement(user, placement_id)
    plan = selectors.plans_for(user).filter(person_id=placement.person_id).first()
    latest = plan.versions.order_by("-number").first() if plan else None
    teachers = Teacher.objects.select_related("school").order_by("school__code", "name")
    if placement.school_id and not (user.is_superuser or user.role == "county_admin"):
        teachers = teachers.filter(
            Q(school_id=placement.school_id) | Q(school__township_id=placement.township_id)
        )
    initial: dict[str, object] = {"valid_from": timezone.localdate()}
    if latest:
        initial.update(
            goals=latest.goals,
            teachers=list(latest.teachers.all()),
            schedule=_schedule_text(latest.schedule),
        )
    form = PlanVersionForm(request.POST or None, initial=initial, teachers=teachers)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = actions.save_plan_version(
                    placement=placement,
                    goals=data["goals"],
                    teachers=list(data["teachers"]),
                    schedule=parse_schedule(data["schedule"]),
                    valid_from=data["valid_from"],
                    review_on=data["review_on"],
                    note=data["note"],
                    acting_user=user,
                )
            except InclusionRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("Plan version saved."))
                return redirect("inclusion_plan", plan_id=version.plan_id)
        else:
            form_errors(request, form)
    context = {"placement": placement, "plan": plan, "latest": latest, "form": form}
    return page(request, "inclusion/plan_version.html", context)


@require_POST
@inclusion_page
def issue_code(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan = selectors.get_plan(user, plan_id)
    try:
        code = actions.issue_code(plan=plan, acting_user=user)
    except InclusionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        request.session[f"inclusion-code-{plan.pk}"] = code  # shown once on the next page
    return redirect("inclusion_plan", plan_id=plan.pk)


@require_POST
@inclusion_page
def add_pause(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = user_of(request)
    plan = selectors.get_plan(user, plan_id)
    form = PauseForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("inclusion_plan", plan_id=plan.pk)
    try:
        actions.add_pause(plan=plan, acting_user=user, **form.cleaned_data)
    except InclusionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Pause recorded."))
    return redirect("inclusion_plan", plan_id=plan.pk)
