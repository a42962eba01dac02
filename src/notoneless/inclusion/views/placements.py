"""The overview, the placements (proposal, committee decision, history), the review-due list and the
assessment form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notoneless.inclusion import actions, selectors
from notoneless.inclusion.access import (
    may_decide_placements,
    may_manage_plans,
    may_propose_placements,
)
from notoneless.inclusion.errors import InclusionRefused
from notoneless.inclusion.forms import AssessmentForm, DecisionForm
from notoneless.inclusion.models import Placement
from notoneless.inclusion.views.common import day, form_errors, inclusion_page, page, user_of
from notoneless.inclusion.views.lists import PLACEMENTS
from notoneless.registry.selectors import get_person, search_students
from notoneless.web.caching import cached_in_scope


@require_GET
@inclusion_page
def index(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    on = day(request.GET.get("on"), timezone.localdate())
    context = {
        "on": on,
        "board": cached_in_scope(
            user, f"inclusion-overview:{on.isoformat()}", lambda: selectors.overview(user, on)
        ),
        "my_plans": selectors.plans_for_teacher(user),
        "may_propose": may_propose_placements(user),
        "may_decide": may_decide_placements(user),
    }
    return page(request, "inclusion/index.html", context)


@require_GET
@inclusion_page
def placement_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    status = request.GET.get("status", "")
    context = {
        "listing": PLACEMENTS.page(request, selectors.placements_for(user, status)),
        "status": status,
        "statuses": Placement.Status.choices,
    }
    return page(request, "inclusion/placement_list.html", context)


@require_GET
@inclusion_page
def placement_export(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    rows = selectors.placements_for(user, request.GET.get("status", ""))
    return PLACEMENTS.export(request, rows, acting_user=user)


@require_GET
@inclusion_page
def review_due(request: HttpRequest) -> HttpResponse:
    on = day(request.GET.get("on"), timezone.localdate())
    due = selectors.review_due(user_of(request), on)
    return page(request, "inclusion/review_due.html", {"due": due, "on": on})


@require_GET
@inclusion_page
def placement_detail(request: HttpRequest, placement_id: int) -> HttpResponse:
    user = user_of(request)
    placement = selectors.get_placement(user, placement_id)
    history = selectors.placements_for(user).filter(person_id=placement.person_id)
    plan = selectors.plans_for(user).filter(person_id=placement.person_id).first()
    today = timezone.localdate()
    decision = DecisionForm(
        initial={
            "setting": placement.proposed_setting,
            "decided_on": today,
            "consent_on": today,
        }
    )
    context = {
        "placement": placement,
        "history": [p for p in history if p.pk != placement.pk],
        "plan": plan,
        "decision_form": decision,
        "may_decide": may_decide_placements(user) and placement.status == "proposed",
        "may_plan": may_manage_plans(user)
        and placement.status == "decided"
        and (placement.setting == "home" or placement.special_support),
        "may_review": may_propose_placements(user) and placement.status == "decided",
    }
    return page(request, "inclusion/placement_detail.html", context)


@require_POST
@inclusion_page
def propose(request: HttpRequest, person_id: int) -> HttpResponse:
    user = user_of(request)
    if not may_propose_placements(user):
        raise PermissionDenied("this role does not propose placements")
    person = get_person(user, person_id)
    try:
        placement = actions.propose_placement(person=person, acting_user=user)
    except InclusionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("inclusion_index")
    messages.success(request, _("Placement proposed; it awaits the expert committee."))
    return redirect("inclusion_placement", placement_id=placement.pk)


@require_POST
@inclusion_page
def propose_all(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not may_propose_placements(user):
        raise PermissionDenied("this role does not propose placements")
    result = actions.propose_all(acting_user=user)
    messages.success(request, _("%(n)d placements proposed.") % {"n": result.proposed})
    return redirect("inclusion_index")


@require_POST
@inclusion_page
def decide(request: HttpRequest, placement_id: int) -> HttpResponse:
    user = user_of(request)
    if not may_decide_placements(user):
        raise PermissionDenied("only the county records the committee's decisions")
    placement = selectors.get_placement(user, placement_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("inclusion_placement", placement_id=placement.pk)
    data = form.cleaned_data
    try:
        actions.decide_placement(
            placement=placement,
            setting=data["setting"],
            special_support=data["special_support"],
            committee_members=data["committee_members"].splitlines(),
            reason=data["reason"],
            guardian_name=data["guardian_name"],
            guardian_consent=data["guardian_consent"],
            consent_on=data["consent_on"],
            decided_on=data["decided_on"],
            acting_user=user,
        )
    except InclusionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("inclusion_placement", placement_id=placement.pk)


@require_http_methods(["GET", "POST"])
@inclusion_page
def assess(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not may_propose_placements(user):
        raise PermissionDenied("this role does not enter assessments")
    form = AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = search_students(user, data["student"], limit=2)
        if len(found) != 1:
            messages.error(
                request, _("Student number or ID number: no such student in your scope.")
            )
        else:
            try:
                actions.add_assessment(
                    person=found[0].person,
                    disability_type=data["disability_type"],
                    severity=data["severity"],
                    assessor=data["assessor"],
                    assessed_on=data["assessed_on"],
                    notes=data["notes"],
                    acting_user=user,
                )
            except InclusionRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("Assessment recorded: the child can now be proposed."))
                return redirect("inclusion_index")
    elif request.method == "POST":
        form_errors(request, form)
    return page(request, "inclusion/assess.html", {"form": form})
