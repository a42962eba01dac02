"""The care pages: the index (coverage per township and school, my pairs or the overdue pairs), a
school's special-group children with their groups and helpers, the suggestion to confirm, a pair's log
with its entry form (made for a phone) and the attachments, streamed after the scope check."""

from __future__ import annotations

import mimetypes
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notoneless.care import actions, selectors
from notoneless.care.access import may_log_support, may_manage_care
from notoneless.care.care_rules import default_rules
from notoneless.care.coverage import coverage
from notoneless.care.errors import CareRefused
from notoneless.care.forms import EndForm, EntryForm, GroupForm, PairForm
from notoneless.care.views.common import care_page, page, refusal, user_of
from notoneless.care.views.lists import PAIRS, only_late
from notoneless.web.attachments import open_attachment
from notoneless.web.caching import cached_in_scope
from notoneless.web.submissions import mark_submitted, once_per_submission

CHILDREN_PER_PAGE = 40

CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
}


def _as_of(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return selectors.care_date(timezone.localdate())


def _coverage(user: Any, month: str) -> Any:
    """The month's coverage (seconds for a county: every special group of every child), kept until
    the next write."""
    today = timezone.localdate().isoformat()
    return cached_in_scope(user, f"care-coverage:{month}:{today}", lambda: coverage(user, month))


@require_GET
@care_page
def index(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    as_of = _as_of(request)
    month = request.GET.get("month") or as_of.strftime("%Y-%m")
    try:
        report = _coverage(user, month)
    except CareRefused as refused:
        messages.error(request, str(refused))
        month = as_of.strftime("%Y-%m")
        report = _coverage(user, month)
    context = {
        "report": report,
        "month": month,
        "as_of": report.as_of,
        "mine": selectors.my_pairs(user, report.as_of),
        "late": selectors.overdue_pairs(user, report.as_of)[:200],
        "is_teacher": user.role == "teacher",
    }
    return page(request, "care/index.html", context)


@require_GET
@care_page
def school(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school's special-group children, a page at a time: each row carries the forms to pair the
    child and to correct its groups, with every helper of the school to choose from."""
    user = user_of(request)
    found = selectors.get_school(user, school_id)
    as_of = _as_of(request)
    manager = may_manage_care(user)
    context = {
        "school": found,
        "as_of": as_of,
        "children": Paginator(
            selectors.school_children(user, found, as_of), CHILDREN_PER_PAGE
        ).get_page(request.GET.get("page")),
        "may_manage": manager,
        "helper_options": _helper_options(found) if manager else "",
        "limit": default_rules().load_limit,
        "group_form": GroupForm(),
        "end_form": EndForm(initial={"ended_on": timezone.localdate()}),
    }
    return page(request, "care/school.html", context)


def _helper_options(school: Any) -> SafeString:
    """The helper list of every row's pairing form, rendered once for the page: a big school has a
    hundred teachers and the page forty rows."""
    limit = default_rules().load_limit
    full = mark_safe(" disabled")
    return format_html_join(
        "",
        '<option value="{}"{}>{} ({}/{})</option>',
        (
            (pk, full if load >= limit else "", name, load, limit)
            for pk, name, load in selectors.helpers_for(school).values_list(
                "pk",
                "name",
                "load",  # type: ignore[misc]  # "load" is helpers_for's annotation
            )
        ),
    )


def _ledger(request: HttpRequest) -> tuple[Any, list[Any]]:
    user = user_of(request)
    as_of = _as_of(request)
    pairs = selectors.pairs_for(user)
    school = request.GET.get("school", "")
    if school.isdigit():
        pairs = pairs.filter(school_id=int(school))
    views = selectors.pair_views(pairs, as_of)
    return as_of, only_late(views) if request.GET.get("late") == "1" else views


@require_GET
@care_page
def pairs_ledger(request: HttpRequest) -> HttpResponse:
    """Every pair in force in the user's scope, filtered by school and to the overdue ones."""
    as_of, views = _ledger(request)
    context = {
        "as_of": as_of,
        "listing": PAIRS.page(request, views),
        "schools": list(selectors.care_schools(user_of(request))),
        "school": request.GET.get("school", ""),
        "late": request.GET.get("late") == "1",
    }
    return page(request, "care/pairs.html", context)


@require_GET
@care_page
def pairs_export(request: HttpRequest) -> HttpResponse:
    _as_of_day, views = _ledger(request)
    return PAIRS.export(request, views, acting_user=user_of(request))


def _manager(request: HttpRequest) -> None:
    if not may_manage_care(user_of(request)):
        raise PermissionDenied("this role does not manage care")


@require_POST
@care_page
def group(request: HttpRequest, school_id: int) -> HttpResponse:
    _manager(request)
    user = user_of(request)
    found = selectors.get_school(user, school_id)
    form = GroupForm(request.POST)
    if not form.is_valid():
        refusal(request, form)
        return redirect("care_school", school_id=found.pk)
    data = form.cleaned_data
    child = selectors.get_child(user, found, data["person"], timezone.localdate())
    try:
        if data["decision"] == GroupForm.CLEAR:
            actions.clear_group(person=child, group=data["group"], acting_user=user)
        else:
            actions.set_group(
                person=child,
                group=data["group"],
                include=data["decision"] == GroupForm.ADD,
                reason=data["reason"],
                acting_user=user,
            )
    except CareRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Groups corrected."))
    return redirect("care_school", school_id=found.pk)


@require_POST
@care_page
def add_pair(request: HttpRequest, school_id: int) -> HttpResponse:
    _manager(request)
    user = user_of(request)
    found = selectors.get_school(user, school_id)
    form = PairForm(request.POST)
    if not form.is_valid():
        refusal(request, form)
        return redirect("care_school", school_id=found.pk)
    child = selectors.get_child(user, found, form.cleaned_data["person"], timezone.localdate())
    helper = selectors.get_helper(user, found, form.cleaned_data["teacher"])
    try:
        actions.pair(person=child, teacher=helper, acting_user=user)
    except CareRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Paired."))
    return redirect("care_school", school_id=found.pk)


@require_http_methods(["GET", "POST"])
@care_page
def suggest(request: HttpRequest, school_id: int) -> HttpResponse:
    user = user_of(request)
    found = selectors.get_school(user, school_id)
    if request.method == "POST":
        _manager(request)
        picked = []
        for value in request.POST.getlist("pick"):
            person, _sep, teacher = value.partition(":")
            if person.isdigit() and teacher.isdigit():
                picked.append((int(person), int(teacher)))
        try:
            made = actions.confirm_pairings(school=found, proposals=picked, acting_user=user)
        except CareRefused as refused:
            messages.error(request, str(refused))
            return redirect("care_suggest", school_id=found.pk)
        messages.success(request, _("%(n)s pairings confirmed.") % {"n": len(made)})
        return redirect("care_school", school_id=found.pk)
    as_of = selectors.care_date(timezone.localdate())
    context = {
        "school": found,
        "plan": selectors.suggestion(user, found, as_of),
        "may_manage": may_manage_care(user),
    }
    return page(request, "care/suggest.html", context)


@require_GET
@care_page
def pair(request: HttpRequest, pairing_id: int) -> HttpResponse:
    user = user_of(request)
    pairing = selectors.get_pairing(user, pairing_id)
    as_of = _as_of(request)
    view = selectors.pair_view(pairing, as_of)
    context = {
        "pairing": pairing,
        "entries": selectors.pair_entries(pairing),
        "late": view.late if view else (),
        "late_labels": view.late_labels if view else [],
        "may_log": may_log_support(user)
        and user.teacher_id == pairing.teacher_id
        and pairing.is_active,
        "may_manage": may_manage_care(user) and pairing.is_active,
        "form": EntryForm(initial={"on": timezone.localdate(), "kind": "home_visit"}),
        "end_form": EndForm(initial={"ended_on": timezone.localdate()}),
    }
    return page(request, "care/pair.html", context)


@require_POST
@care_page
@once_per_submission
def log(request: HttpRequest, pairing_id: int) -> HttpResponse:
    user = user_of(request)
    pairing = selectors.get_pairing(user, pairing_id)
    form = EntryForm(request.POST, request.FILES)
    if not form.is_valid():
        refusal(request, form)
        return redirect("care_pair", pairing_id=pairing.pk)
    data = form.cleaned_data
    try:
        actions.log_support(
            pairing=pairing,
            kind=data["kind"],
            on=data["on"],
            notes=data["notes"],
            files=data["attachments"],
            acting_user=user,
        )
    except CareRefused as refused:
        messages.error(request, str(refused))
    else:
        mark_submitted(request)
        messages.success(request, _("Support logged."))
    return redirect("care_pair", pairing_id=pairing.pk)


@require_POST
@care_page
def end(request: HttpRequest, pairing_id: int) -> HttpResponse:
    _manager(request)
    user = user_of(request)
    pairing = selectors.get_pairing(user, pairing_id)
    form = EndForm(request.POST)
    if not form.is_valid():
        refusal(request, form)
        return redirect("care_pair", pairing_id=pairing.pk)
    try:
        actions.end_pairing(pairing=pairing, acting_user=user, **form.cleaned_data)
    except CareRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Pairing ended."))
    return redirect("care_pair", pairing_id=pairing.pk)


@require_GET
@care_page
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    found = selectors.get_attachment(user_of(request), attachment_id)
    try:
        handle = open_attachment(found.path)
    except FileNotFoundError:
        raise Http404("the file is missing from the storage") from None
    kind = (
        CONTENT_TYPES.get(found.kind)
        or mimetypes.guess_type(found.path)[0]
        or "application/octet-stream"
    )
    response = FileResponse(handle, content_type=kind, filename=found.original_name)
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline", 1
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
