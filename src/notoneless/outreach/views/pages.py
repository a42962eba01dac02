"""The publicity pages: the overview (visit coverage per township and village), the households the term
must reach, one household (its school-age children, visits with survey answers, the policy card), the
awareness rates with the follow-up list, and the campaigns."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notoneless.outreach import actions, selectors
from notoneless.outreach.access import may_handle_cards, may_record_campaigns, may_record_visits
from notoneless.outreach.errors import OutreachRefused
from notoneless.outreach.forms import CampaignForm, DeliveryForm, SignatureForm, VisitForm
from notoneless.outreach.models import CardDelivery
from notoneless.outreach.rules import default_rules
from notoneless.outreach.survey import default_survey
from notoneless.outreach.views.common import form_refusal, outreach_page, page, term_of, user_of
from notoneless.outreach.views.lists import HOUSEHOLDS
from notoneless.registry.models import Division, Household, Term
from notoneless.web.attachments import open_attachment
from notoneless.web.caching import cached_in_scope
from notoneless.web.submissions import mark_submitted, once_per_submission

# --- overview ------------------------------------------------------------------------------------


@require_GET
@outreach_page
def index(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    term = term_of(request)
    campaigns = selectors.campaigns_for(user, term)
    context = {
        "term": term,
        "coverage": _coverage(user, term),
        "awareness": cached_in_scope(
            user, f"outreach-awareness:{term.code}", lambda: selectors.awareness(user, term).total
        ),
        "campaign_count": campaigns.count(),
        "materials": selectors.material_totals(campaigns),
        "may_handle_cards": may_handle_cards(user),
    }
    return page(request, "outreach/index.html", context)


# --- households ----------------------------------------------------------------------------------


def _coverage(user: Any, term: Term) -> selectors.Coverage:
    """The term's coverage in the user's scope (every target household), kept until the next write."""
    return cached_in_scope(
        user, f"outreach-coverage:{term.code}", lambda: selectors.coverage(user, term)
    )


def _household_rows(request: HttpRequest) -> list[selectors.HouseholdRow]:
    """The households of ``?village=`` (a code) and ``?only=visited|unvisited``, in the term."""
    village = request.GET.get("village", "")[:12]
    only = request.GET.get("only", "")
    return selectors.household_rows(user_of(request), term_of(request), village=village, only=only)


@require_GET
@outreach_page
def households(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    term = term_of(request)
    village = request.GET.get("village", "")[:12]
    only = request.GET.get("only", "")
    rows = _household_rows(request)
    villages = [
        (r.village_code, f"{r.township}{r.village}") for r in _coverage(user, term).villages
    ]
    context = {
        "term": term,
        "listing": HOUSEHOLDS.page(request, rows),
        "village": village,
        "only": only,
        "villages": villages,
        "may_handle_cards": may_handle_cards(user),
        "states": dict(CardDelivery.State.choices),
    }
    return page(request, "outreach/households.html", context)


@require_GET
@outreach_page
def households_export(request: HttpRequest) -> HttpResponse:
    return HOUSEHOLDS.export(request, _household_rows(request), acting_user=user_of(request))


def _household_url(household: Household, term: Term) -> str:
    return f"{reverse('outreach_household', args=[household.pk])}?term={term.code}"


@require_GET
@outreach_page
def household(request: HttpRequest, household_id: int) -> HttpResponse:
    user = user_of(request)
    term = term_of(request)
    found = selectors.get_household(user, household_id, term)
    survey = default_survey()
    visits = list(selectors.visits_for(user, term).filter(household=found))
    card = selectors.card_of(found, term)
    may_visit = may_record_visits(user) and found.poverty_status in default_rules().visit_statuses
    context = {
        "term": term,
        "household": found,
        "children": selectors.school_age_members([found], term).get(found.pk, []),
        "visits": [(v, _answers(v, survey)) for v in visits],
        "card": card,
        "may_visit": may_visit,
        "visit_form": VisitForm(
            survey=survey,
            initial={"visited_on": _default_day(term)},
        )
        if may_visit
        else None,
        "may_handle_cards": may_handle_cards(user),
        "delivery_form": DeliveryForm(
            initial={"delivered_on": _default_day(term)}, auto_id="delivery-%s"
        ),
        "signature_form": SignatureForm(
            initial={"signed_on": _default_day(term)}, auto_id="signature-%s"
        ),
    }
    return page(request, "outreach/household.html", context)


def _default_day(term: Term) -> Any:
    """Today, or the term's last day when the term is over (historic or demo data)."""
    today = timezone.localdate()
    return min(today, term.end_date)


def _answers(visit: Any, survey: Any) -> list[tuple[str, str]]:
    questions = survey.by_code
    return [
        (
            questions[a.question].shown if a.question in questions else a.question,
            a.answer,
        )
        for a in sorted(visit.answers.all(), key=lambda a: a.pk)
    ]


@require_POST
@outreach_page
@once_per_submission
def record_visit(request: HttpRequest, household_id: int) -> HttpResponse:
    user = user_of(request)
    term = term_of(request)
    found = selectors.get_household(user, household_id, term)
    if not may_record_visits(user):
        raise PermissionDenied("this role does not record visits")
    form = VisitForm(request.POST, survey=default_survey())
    if not form.is_valid():
        form_refusal(request, form)
        return redirect(_household_url(found, term))
    try:
        visit = actions.record_visit(household=found, acting_user=user, **form.action_arguments())
    except OutreachRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(_household_url(found, term))
    mark_submitted(request)
    messages.success(request, _("Visit recorded."))
    return redirect(_household_url(found, visit.term))


@require_POST
@outreach_page
def card_step(request: HttpRequest, household_id: int, step: str) -> HttpResponse:
    """Mark the card printed, record its delivery or the family's signature (with a photo)."""
    user = user_of(request)
    term = term_of(request)
    found = selectors.get_household(user, household_id, term)
    if not may_handle_cards(user):
        raise PermissionDenied("policy cards are handled by township officers")
    try:
        if step == "printed":
            actions.mark_printed(households=[found], term=term, acting_user=user)
        elif step == "delivered":
            form: DeliveryForm | SignatureForm = DeliveryForm(request.POST)
            if not form.is_valid():
                form_refusal(request, form)
                return redirect(_household_url(found, term))
            actions.record_delivery(
                household=found, term=term, acting_user=user, **form.cleaned_data
            )
        elif step == "signed":
            form = SignatureForm(request.POST, request.FILES)
            if not form.is_valid():
                form_refusal(request, form)
                return redirect(_household_url(found, term))
            actions.record_signature(
                household=found,
                term=term,
                signed_on=form.cleaned_data["signed_on"],
                photo=form.cleaned_data["photo"],
                acting_user=user,
            )
        else:
            raise Http404("no such step")
    except OutreachRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Policy card updated."))
    return redirect(_household_url(found, term))


@never_cache
@require_GET
@outreach_page
def card_photo(request: HttpRequest, card_id: int) -> FileResponse:
    """The photo of a signed card, for those who may see the household."""
    card = selectors.get_card(user_of(request), card_id)
    if not card.photo_path:
        raise Http404("no photo")
    response = FileResponse(open_attachment(card.photo_path), filename=card.photo_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_POST
@outreach_page
def print_cards(request: HttpRequest) -> HttpResponse:
    """The cards of a village as one PDF (through the aid office's printing); the households are
    marked printed."""
    user = user_of(request)
    term = term_of(request)
    if not may_handle_cards(user):
        raise PermissionDenied("policy cards are handled by township officers")
    village = request.POST.get("village", "")[:12]
    back = f"{reverse('outreach_households')}?term={term.code}&village={village}"
    try:
        printed = actions.print_cards(
            term=term,
            village=village,
            acting_user=user,
            client=str(request.META.get("REMOTE_ADDR", "")),
        )
    except OutreachRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(back)
    response = HttpResponse(printed.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cards-{term.code}-{village}.pdf"'
    return response


# --- awareness -----------------------------------------------------------------------------------


@require_GET
@outreach_page
def awareness(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    term = term_of(request)
    context = {
        "term": term,
        "awareness": selectors.awareness(user, term),
        "follow_up": selectors.follow_up(user, term),
        "questions": {q.code: q.shown for q in default_survey().questions},
    }
    return page(request, "outreach/awareness.html", context)


# --- campaigns -----------------------------------------------------------------------------------


def _villages_for_campaigns(user: Any) -> list[tuple[str, str]]:
    villages = Division.objects.filter(level=Division.Level.VILLAGE).select_related("parent")
    if user.role == "township_officer":
        villages = villages.filter(parent_id=user.township_id)
    elif user.role == "school_officer" and user.school_id:
        villages = villages.filter(parent_id=user.school.township_id)
    return [
        (v.code, f"{v.parent.name if v.parent else ''}{v.name}") for v in villages.order_by("code")
    ]


@require_http_methods(["GET", "POST"])
@outreach_page
def campaigns(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    term = term_of(request)
    may_record = may_record_campaigns(user)
    form = None
    if may_record:
        villages = _villages_for_campaigns(user)
        form = CampaignForm(
            request.POST if request.method == "POST" else None,
            villages=villages,
            initial={"held_on": _default_day(term)},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("this role does not record campaigns")
        if form.is_valid():
            code = form.cleaned_data["village"]
            try:
                actions.record_campaign(
                    term=term,
                    village=Division.objects.filter(code=code).first() if code else None,
                    acting_user=user,
                    **form.action_arguments(),
                )
            except OutreachRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("Campaign recorded."))
                return redirect(f"{reverse('outreach_campaigns')}?term={term.code}")
        else:
            form_refusal(request, form)
    found = selectors.campaigns_for(user, term)
    context = {
        "term": term,
        "campaigns": found,
        "materials": selectors.material_totals(found),
        "form": form,
    }
    return page(
        request, "outreach/campaigns.html", context, status=400 if request.method == "POST" else 200
    )
