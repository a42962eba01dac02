"""The term overview and the county's steps of the aid cycle: compute, compile, approve, reopen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notoneless.aid import selectors, workflow
from notoneless.aid.errors import AidRefused
from notoneless.aid.models import AidTerm
from notoneless.aid.views import reads
from notoneless.aid.views.common import acting, aid_page, overview_url, page, term_or_404
from notoneless.jobs.actions import enqueue
from notoneless.registry.selectors import is_county_wide


@require_GET
@aid_page
def overview(request: HttpRequest) -> HttpResponse:
    return _overview(request, request.GET.get("term"))


def _overview(
    request: HttpRequest, code: str | None, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The term chosen, its cycle and its totals; ``error`` is a refusal to show above them."""
    user = acting(request)
    terms = reads.terms_with_roster()
    term = reads.chosen_term(code, terms)
    context: dict[str, Any] = {"terms": terms, "term": term, "error": error}
    if term is not None:
        aid_term = reads.aid_term_with_people(term.code)
        context |= {
            "aid_term": aid_term,
            "run": reads.last_run(aid_term),
            "totals": reads.summary_page(user, term.code),
            "show_recorded": is_county_wide(user),
            "not_submitted": (
                workflow.schools_not_submitted(aid_term)
                if aid_term and is_county_wide(user)
                else []
            ),
        }
    return page(request, "aid/overview.html", context, status=status)


def _refused(request: HttpRequest, code: str, refusal: AidRefused, status: int) -> HttpResponse:
    return _overview(request, code, error=str(refusal), status=status)


@require_POST
@aid_page
def compute_view(request: HttpRequest, term: str) -> HttpResponse:
    """Compute the term in the background; the job's page shows what changed and why."""
    user = acting(request)
    term_or_404(term)
    try:
        workflow.require_county_aid_role(user)
    except AidRefused as refusal:
        return _refused(request, term, refusal, 403)
    job = enqueue(
        "aid.compute", {"term": term}, acting_user=user, client=request.META.get("REMOTE_ADDR", "")
    )
    return redirect("job_detail", job_id=job.pk)


def _step(
    request: HttpRequest,
    term: str,
    action: Callable[..., AidTerm],
    done: str,
) -> HttpResponse:
    """Run one workflow action on the term; a refusal is shown on the overview, never raised."""
    user = acting(request)
    term_or_404(term)
    try:
        workflow.require_county_aid_role(user)
    except AidRefused as refusal:
        return _refused(request, term, refusal, 403)
    aid_term = selectors.aid_term_for(term)
    try:
        if aid_term is None:
            raise AidRefused(_("The term has not been computed yet."))
        action(aid_term=aid_term, acting_user=user)
    except AidRefused as refusal:
        return _refused(request, term, refusal, 400)
    messages.success(request, done)
    return redirect(overview_url(term))


@require_POST
@aid_page
def compile_view(request: HttpRequest, term: str) -> HttpResponse:
    return _step(request, term, workflow.compile_term, _("Compiled: the term awaits approval."))


@require_POST
@aid_page
def approve_view(request: HttpRequest, term: str) -> HttpResponse:
    return _step(request, term, workflow.approve_term, _("Approved: the term is frozen."))


@require_POST
@aid_page
def reopen_view(request: HttpRequest, term: str) -> HttpResponse:
    return _step(
        request, term, workflow.reopen_term, _("Reopened: schools may change their lists again.")
    )
