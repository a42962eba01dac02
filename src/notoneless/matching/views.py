"""The matching pages, mounted at ``matching/``: the review queue (one pair per card), the findings of
each kind with township and school filters and an Excel export, and the verification of out-of-school
leads. Views parse, call one action or selector, and render; a refusal is a message, never a 500."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notoneless.accounts.models import User
from notoneless.audit.actions import record_export
from notoneless.jobs.actions import enqueue
from notoneless.matching import export, review, selectors
from notoneless.matching.cards import pair_cards
from notoneless.matching.errors import MatchingRefused
from notoneless.matching.forms import DecisionForm, UndoForm, VerifyForm
from notoneless.matching.jobs import may_run_matching
from notoneless.matching.models import CandidatePair, Finding, RecordKind
from notoneless.registry.selectors import current_term, schools_for
from notoneless.web.lists import filters_of
from notoneless.web.nav import navigation

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
CARDS_PER_PAGE = 10
ROWS_PER_PAGE = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def matching_page(view: View) -> View:
    """Login required and a role that reviews (403 for teachers)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not selectors.may_review(_user(request)):
            raise PermissionDenied("no matching pages for this role")
        return view(request, *args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    user = _user(request)
    context = {
        "nav": navigation(user),
        "active": "matching",
        "may_decide": selectors.may_decide(user),
        "kinds": Finding.Kind.choices,
        **context,
    }
    return render(request, template, context, status=status)


def _kind_or_404(kind: str) -> str:
    if kind not in Finding.Kind.values:
        raise Http404("no such kind of finding")
    return kind


# --- overview ------------------------------------------------------------------------------------


@require_GET
@matching_page
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    run = selectors.latest_run()
    counts = [
        (value, label, selectors.findings_for(user, value, run=run).count() if run else 0)
        for value, label in Finding.Kind.choices
    ]
    context = {
        "run": run,
        "counts": counts,
        "pending": review.pending_pairs(user).count(),
        "may_run": may_run_matching(user),
    }
    return _page(request, "matching/index.html", context)


@require_POST
@matching_page
def run_view(request: HttpRequest) -> HttpResponse:
    """Match the registers again in the background; the job's page shows the counts and findings."""
    user = _user(request)
    if not may_run_matching(user):
        raise PermissionDenied("matching is run by the county's aid roles")
    job = enqueue("matching.run", {}, acting_user=user, client=request.META.get("REMOTE_ADDR", ""))
    return redirect("job_detail", job_id=job.pk)


# --- review queue --------------------------------------------------------------------------------


@require_GET
@matching_page
def queue(request: HttpRequest) -> HttpResponse:
    """Pairs awaiting review (``?show=auto``: the automatic links, which can be undone)."""
    user = _user(request)
    kind = request.GET.get("kind") or None
    if kind not in (None, *RecordKind.values):
        kind = None
    auto = request.GET.get("show") == "auto"
    pairs = review.auto_links(user, kind) if auto else review.pending_pairs(user, kind)
    page = Paginator(pairs, CARDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "cards": pair_cards(list(page.object_list), current_term()),
        "kind": kind or "",
        "auto": auto,
        "registers": RecordKind.choices,
        "decision_form": DecisionForm(),
        "undo_form": UndoForm(),
    }
    return _page(request, "matching/review.html", context)


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or ""
    if not target.startswith(reverse("matching_review")):
        target = reverse("matching_review")
    return redirect(target)


def _pair_for_decision(request: HttpRequest, pair_id: int) -> CandidatePair:
    user = _user(request)
    if not selectors.may_decide(user):
        raise PermissionDenied("this role reads only")
    return review.get_pair(user, pair_id)


@require_POST
@matching_page
def decide(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair_for_decision(request, pair_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose same child, not the same, or unsure."))
        return _back_to_queue(request)
    try:
        review.decide(
            pair=pair,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            acting_user=_user(request),
        )
    except MatchingRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Decision recorded."))
    return _back_to_queue(request)


@require_POST
@matching_page
def undo(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair_for_decision(request, pair_id)
    form = UndoForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        review.undo_auto_link(pair=pair, note=note, acting_user=_user(request))
    except MatchingRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The automatic link was undone."))
    return _back_to_queue(request)


# --- findings ------------------------------------------------------------------------------------


def _filtered(request: HttpRequest, kind: str) -> Any:
    user = _user(request)
    return selectors.findings_for(
        user,
        kind,
        township=request.GET.get("township") or None,
        school=request.GET.get("school") or None,
    )


@require_GET
@matching_page
def findings(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind_or_404(kind)
    user = _user(request)
    page = Paginator(_filtered(request, kind), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "kind": kind,
        "kind_label": Finding.Kind(kind).label,
        "run": selectors.latest_run(),
        "page": page,
        "rows": export.finding_rows(page.object_list),
        "townships": selectors.townships_for(user),
        "schools": list(schools_for(user)),
        "township": request.GET.get("township", ""),
        "school": request.GET.get("school", ""),
        "query": query.urlencode(),
        "verifiable": kind == Finding.Kind.OUT_OF_SCHOOL,
    }
    return _page(request, "matching/findings.html", context)


@require_GET
@matching_page
def findings_xlsx(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind_or_404(kind)
    buffer = io.BytesIO()
    count = export.write_xlsx(kind, export.finding_rows(_filtered(request, kind)), buffer)
    record_export(
        f"findings_{kind}",
        acting_user=_user(request),
        rows=count,
        filters=filters_of(request),
        client=request.META.get("REMOTE_ADDR", ""),
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = f"findings-{kind}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@matching_page
def verify(request: HttpRequest, finding_id: int) -> HttpResponse:
    user = _user(request)
    finding = selectors.get_finding(user, finding_id)
    if finding.kind != Finding.Kind.OUT_OF_SCHOOL:
        raise Http404("only out-of-school leads are verified")
    may = review.may_verify_finding(user, finding)
    form = VerifyForm(request.POST or None)
    if request.method == "POST":
        if not may:
            raise PermissionDenied("this role may not verify this lead")
        if form.is_valid():
            try:
                review.verify_out_of_school(finding=finding, acting_user=user, **form.cleaned_data)
            except MatchingRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("Verification recorded."))
                return redirect(reverse("matching_findings", args=[finding.kind]))
    context = {
        "finding": finding,
        "row": export.finding_rows([finding])[0],
        "form": form if may and finding.verification == Finding.Verification.OPEN else None,
    }
    status = 400 if request.method == "POST" else 200
    return _page(request, "matching/verify.html", context, status=status)
