"""The case pages: the dashboard (open, overdue, returned at a glance, per township), the ledgers
(suspected, dropouts, closed), a case with its steps, people and outcome, and the return notice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notoneless.registry.selectors import schools_for
from notoneless.retention import casework, documents, selectors
from notoneless.retention.access import may_close_cases, may_work_cases
from notoneless.retention.errors import RetentionRefused
from notoneless.retention.forms import CloseForm, StepForm
from notoneless.retention.models import Case, CaseStep
from notoneless.retention.views.common import page, retention_page, user_of
from notoneless.retention.views.lists import CASES
from notoneless.web.submissions import mark_submitted, once_per_submission

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def _as_of(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return selectors.ledger_date(timezone.localdate())


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# --- dashboard and ledgers -----------------------------------------------------------------------


@require_GET
@retention_page
def dashboard(request: HttpRequest) -> HttpResponse:
    as_of = _as_of(request)
    board = selectors.dashboard(user_of(request), as_of)
    return page(request, "retention/dashboard.html", {"board": board, "as_of": as_of})


def _cases(request: HttpRequest) -> tuple[selectors.CaseFilter, QuerySet[Case]]:
    filters = selectors.CaseFilter(
        ledger=request.GET.get("ledger") or "open",
        trigger=request.GET.get("trigger") or "",
        township=_int(request.GET.get("township")),
        school=_int(request.GET.get("school")),
        overdue=request.GET.get("overdue") == "1",
        query=request.GET.get("q", "")[:30],
    )
    return filters, selectors.cases_for(user_of(request), filters, _as_of(request))


@require_GET
@retention_page
def case_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    filters, cases = _cases(request)
    context = {
        "listing": CASES.page(request, cases),
        "filters": filters,
        "as_of": _as_of(request),
        "ledgers": selectors.LEDGERS,
        "triggers": Case.Trigger.choices,
        "townships": selectors.townships_for(user),
        "schools": list(schools_for(user)),
    }
    return page(request, "retention/case_list.html", context)


@require_GET
@retention_page
def case_export(request: HttpRequest) -> HttpResponse:
    _filters, cases = _cases(request)
    return CASES.export(request, cases, acting_user=user_of(request))


# --- one case ------------------------------------------------------------------------------------


@require_GET
@retention_page
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    case = selectors.get_case(user, case_id)
    as_of = _as_of(request)
    context = {
        "case": case,
        "as_of": as_of,
        "steps": [(s, _step_form(s.step)) for s in selectors.case_steps(case, as_of)],
        "parties": list(case.parties.order_by("line", "pk")),
        "since_return": selectors.attendance_since_return(case),
        "relapse_of": case.detail.get("relapse_of"),
        "may_work": may_work_cases(user) and case.is_open,
        "may_close": may_close_cases(user) and case.is_open,
        "close_form": CloseForm(initial={"closed_on": timezone.localdate()}),
    }
    return page(request, "retention/case_detail.html", context)


def _step_form(step: CaseStep) -> StepForm:
    """The form to record (or correct) one step, with ids of its own (a page holds one per step)."""
    initial = {
        "done_on": step.done_on or timezone.localdate(),
        "performed_by": step.performed_by,
        "notes": step.notes,
        "return_by": step.return_by,
    }
    return StepForm(auto_id=f"step-{step.kind}-%s", initial=initial)


def _refusal(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{' '.join(errors)}")


@require_POST
@retention_page
@once_per_submission
def record_step(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    user = user_of(request)
    case = selectors.get_case(user, case_id)
    if kind not in CaseStep.Kind.values:
        raise Http404("no such step")
    form = StepForm(request.POST)
    if not form.is_valid():
        _refusal(request, form)
        return redirect("retention_case", case_id=case.pk)
    try:
        casework.record_step(case=case, kind=kind, acting_user=user, **form.cleaned_data)
    except RetentionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        mark_submitted(request)
        messages.success(request, _("Step recorded."))
    return redirect("retention_case", case_id=case.pk)


@require_POST
@retention_page
def close(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    case = selectors.get_case(user, case_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        _refusal(request, form)
        return redirect("retention_case", case_id=case.pk)
    try:
        casework.close_case(case=case, acting_user=user, **form.cleaned_data)
    except RetentionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Case closed."))
    return redirect("retention_case", case_id=case.pk)


@require_GET
@retention_page
def notice(request: HttpRequest, case_id: int) -> HttpResponse:
    user = user_of(request)
    if not may_work_cases(user):
        raise PermissionDenied("this role does not print notices")
    case = selectors.get_case(user, case_id)
    data = documents.notice_pdf(case, acting_user=user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="return-notice-{case.pk}.pdf"'
    return response
