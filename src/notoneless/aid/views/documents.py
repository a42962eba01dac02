"""Printed aid documents: a school's public notice (公示) and the households' policy cards (明白卡), each as
a printable page and as a PDF (printing the PDF is audited by the action), and the aid office they print.

The notice is for the school's own roles and the county; cards for the county roles and township officers
(``documents`` decides); the aid office is set by the county aid office.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from notoneless.accounts.models import Role
from notoneless.aid import documents, selectors
from notoneless.aid.errors import AidRefused
from notoneless.aid.models import AidOffice
from notoneless.aid.views import access
from notoneless.aid.views.common import acting, aid_page, aid_page_for, page, term_or_404
from notoneless.aid.views.payments import download
from notoneless.registry.models import Division
from notoneless.registry.selectors import (
    current_term,
    get_school,
    is_county_wide,
    villages_with_households,
)

PDF = "application/pdf"
HOUSEHOLDS_MAX = 200

# --- who -----------------------------------------------------------------------------------------


def may_print_cards(user: Any) -> bool:
    """The county-wide roles and township officers (for their township), as ``documents`` allows."""
    if not (user.is_authenticated and user.is_active):
        return False
    return is_county_wide(user) or (user.role == Role.TOWNSHIP_OFFICER and bool(user.township_id))


cards_page = aid_page_for(may_print_cards)


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


# --- the school's notice -------------------------------------------------------------------------


@require_GET
@aid_page
def notice(request: HttpRequest, term: str, school_id: int) -> HttpResponse:
    """The notice as a standalone page to print from the browser (A4)."""
    user = acting(request)
    term_or_404(term)
    school = get_school(user, school_id)
    aid_term = selectors.aid_term_for(term)
    if aid_term is None:
        raise AidRefused(_("The term has not been computed yet."))
    return HttpResponse(documents.notice_html(documents.school_notice(user, aid_term, school)))


@never_cache
@require_GET
@aid_page
def notice_pdf(request: HttpRequest, term: str, school_id: int) -> HttpResponse:
    """The notice as a PDF; printing it is recorded in the audit log."""
    user = acting(request)
    term_or_404(term)
    school = get_school(user, school_id)
    printed = documents.print_notice(
        term_code=term, school_code=school.code, acting_user=user, client=_client(request)
    )
    return download(printed.pdf, f"{school.name}-{term}-公示.pdf", PDF)


# --- the households' policy cards ----------------------------------------------------------------


class CardsForm(forms.Form):
    village = forms.ChoiceField(label=gettext_lazy("Village"), required=False)
    households = forms.CharField(
        label=gettext_lazy("Or household numbers"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Separated by spaces or commas, e.g. H001 H002"),
    )

    def __init__(self, *args: Any, villages: list[Division], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (v.code, f"{v.parent.name if v.parent else ''}{v.name}") for v in villages
        ]

    def clean_households(self) -> list[str]:
        numbers = [n for n in re.split(r"[\s,，、;；]+", self.cleaned_data["households"]) if n]
        if len(numbers) > HOUSEHOLDS_MAX:
            raise ValidationError(
                _("At most %(n)d households at a time; print a village instead.")
                % {"n": HOUSEHOLDS_MAX}
            )
        return numbers

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("village") and not data.get("households"):
            raise ValidationError(_("Choose a village or give household numbers."))
        return data

    def chosen(self) -> dict[str, Any]:
        """The keyword arguments of ``household_cards`` and ``print_cards``."""
        village = self.cleaned_data.get("village") or None
        return {"village": village, "numbers": [] if village else self.cleaned_data["households"]}


@require_GET
@cards_page
def cards_current(request: HttpRequest) -> HttpResponse:
    """The policy cards of the current term (the navigation's link)."""
    term = current_term()
    if term is None:
        raise Http404("no term yet")
    return redirect("aid_cards", term=term.code)


@require_GET
@cards_page
def cards(request: HttpRequest, term: str) -> HttpResponse:
    """Choose the village (or households) whose cards to print."""
    user = acting(request)
    form = CardsForm(request.GET or None, villages=villages_with_households(user))
    return _cards(request, term, form)


def _cards(
    request: HttpRequest, term: str, form: CardsForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {"term": term_or_404(term), "form": form, "error": error}
    return page(request, "aid/documents_cards.html", context, status=status)


def _chosen(request: HttpRequest, term: str) -> tuple[CardsForm, dict[str, Any] | None]:
    term_or_404(term)
    form = CardsForm(request.GET, villages=villages_with_households(acting(request)))
    return form, form.chosen() if form.is_valid() else None


@require_GET
@cards_page
def cards_print(request: HttpRequest, term: str) -> HttpResponse:
    """The cards as a standalone page to print from the browser, one A4 sheet per household."""
    form, chosen = _chosen(request, term)
    if chosen is None:
        return _cards(request, term, form, status=400)
    try:
        found = documents.household_cards(acting(request), term, **chosen)
    except AidRefused as refusal:
        return _cards(request, term, form, error=str(refusal), status=400)
    return HttpResponse(documents.cards_html(found))


@never_cache
@require_GET
@cards_page
def cards_pdf(request: HttpRequest, term: str) -> HttpResponse:
    """The cards as one PDF; printing them is recorded in the audit log with the households."""
    form, chosen = _chosen(request, term)
    if chosen is None:
        return _cards(request, term, form, status=400)
    try:
        printed = documents.print_cards(
            term_code=term, acting_user=acting(request), client=_client(request), **chosen
        )
    except AidRefused as refusal:
        return _cards(request, term, form, error=str(refusal), status=400)
    name = chosen["village"] or "-".join(chosen["numbers"][:3])
    return download(printed.pdf, f"明白卡-{term}-{name}.pdf", PDF)


# --- the aid office ------------------------------------------------------------------------------

_PHONE = AidOffice._meta.get_field("phone")


class OfficeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    phone = forms.CharField(
        label=gettext_lazy("Phone"), max_length=40, validators=list(_PHONE.validators)
    )
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200, required=False)


@require_http_methods(["GET", "POST"])
@aid_page
def office(request: HttpRequest) -> HttpResponse:
    """The aid office as notices and cards print it: read by the county roles, set by the county aid
    office."""
    user = acting(request)
    access.check_may_read_county(user)
    current = documents.aid_office()
    if request.method == "GET":
        form = OfficeForm(initial=asdict(current)) if access.may_run_aid(user) else None
        return _office(request, current, form)
    if not access.may_run_aid(user):
        raise PermissionDenied("the county aid office sets the aid office")
    form = OfficeForm(request.POST)
    if not form.is_valid():
        return _office(request, current, form, status=400)
    try:
        documents.set_aid_office(acting_user=user, **form.cleaned_data)
    except AidRefused as refusal:
        return _office(request, current, form, error=str(refusal), status=400)
    messages.success(request, _("The aid office is saved: documents print it from now on."))
    return redirect("aid_office")


def _office(
    request: HttpRequest,
    current: documents.Office,
    form: OfficeForm | None,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {"office": current, "form": form, "error": error}
    return page(request, "aid/documents_office.html", context, status=status)
