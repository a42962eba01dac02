"""Schools in the term and a school's list: the school checks and submits it, the county may return it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notoneless.aid import selectors, workflow
from notoneless.aid.errors import AidRefused
from notoneless.aid.models import AidTerm
from notoneless.aid.views import access, reads
from notoneless.aid.views.common import acting, aid_page, page, term_or_404
from notoneless.aid.views.forms import ReturnListForm, SubmitListForm
from notoneless.registry.selectors import get_school

ROWS_PER_PAGE = 500


@require_GET
@aid_page
def schools(request: HttpRequest, term: str) -> HttpResponse:
    user = acting(request)
    term_obj = term_or_404(term)
    context = {
        "term": term_obj,
        "aid_term": selectors.aid_term_for(term),
        "rows": reads.school_rows(user, term_obj),
    }
    return page(request, "aid/schools.html", context)


@require_GET
@aid_page
def school_list(request: HttpRequest, term: str, school_id: int) -> HttpResponse:
    return _school_list(request, term, school_id)


def _school_list(
    request: HttpRequest,
    term: str,
    school_id: int,
    *,
    submit_form: SubmitListForm | None = None,
    return_form: ReturnListForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The list of one school in scope (404 outside it), a page of rows at a time, with its forms."""
    user = acting(request)
    term_obj = term_or_404(term)
    school = get_school(user, school_id)
    aid_term = selectors.aid_term_for(term)
    entitlements = selectors.school_list(user, term, school.pk)
    names = reads.program_names(term, aid_term)
    rows = Paginator(entitlements, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    is_open = aid_term is not None and aid_term.state == AidTerm.State.OPEN
    context: dict[str, Any] = {
        "term": term_obj,
        "aid_term": aid_term,
        "school": school,
        "listing": reads.school_listing(aid_term, school),
        "programs": reads.program_counts(entitlements, names),
        "page": rows,
        "rows": reads.list_rows(rows, names),
        "error": error,
        "submit_form": (submit_form or SubmitListForm())
        if is_open and access.may_submit_lists(user)
        else None,
        "return_form": (return_form or ReturnListForm())
        if is_open and access.may_run_aid(user)
        else None,
    }
    return page(request, "aid/school_list.html", context, status=status)


def _list_url(term: str, school_id: int) -> str:
    return reverse("aid_school_list", args=[term, school_id])


@require_POST
@aid_page
def submit_list(request: HttpRequest, term: str, school_id: int) -> HttpResponse:
    """The school has checked its list and posted the notice: submit it to the county."""
    user = acting(request)
    school = get_school(user, school_id)
    form = SubmitListForm(request.POST)
    if not form.is_valid():
        return _school_list(request, term, school_id, submit_form=form, status=400)
    try:
        listing = workflow.submit_school_list(
            aid_term=_computed(term),
            school=school,
            notice_start=form.cleaned_data["notice_start"],
            acting_user=user,
        )
    except AidRefused as refusal:
        status = 400 if access.may_submit_lists(user) or access.may_run_aid(user) else 403
        return _school_list(
            request, term, school_id, submit_form=form, error=str(refusal), status=status
        )
    messages.success(
        request,
        _("Submitted; the public notice started on %(date)s.")
        % {"date": listing.notice_start.isoformat() if listing.notice_start else ""},
    )
    return redirect(_list_url(term, school_id))


@require_POST
@aid_page
def return_list(request: HttpRequest, term: str, school_id: int) -> HttpResponse:
    """The county sends the list back to the school with what to correct."""
    user = acting(request)
    school = get_school(user, school_id)
    form = ReturnListForm(request.POST)
    if not form.is_valid():
        return _school_list(request, term, school_id, return_form=form, status=400)
    try:
        workflow.return_school_list(
            aid_term=_computed(term),
            school=school,
            note=form.cleaned_data["note"],
            acting_user=user,
        )
    except AidRefused as refusal:
        status = 400 if access.may_run_aid(user) else 403
        return _school_list(
            request, term, school_id, return_form=form, error=str(refusal), status=status
        )
    messages.success(request, _("Returned to the school with your note."))
    return redirect(_list_url(term, school_id))


def _computed(term: str) -> AidTerm:
    term_or_404(term)
    aid_term = selectors.aid_term_for(term)
    if aid_term is None:
        raise AidRefused(_("The term has not been computed yet."))
    return aid_term
