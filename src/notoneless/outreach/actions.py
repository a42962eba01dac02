"""Writes of publicity: campaigns, home visits with their survey answers, and the policy card's way from
printing to the family's signature. Each action checks the role and the household's scope, refuses bad
input with a message naming the field (and changes nothing when it refuses), runs in one transaction
and writes one audit row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notoneless.accounts.models import Role
from notoneless.aid import documents as aid_documents
from notoneless.aid.errors import AidRefused
from notoneless.audit.actions import record
from notoneless.outreach import selectors
from notoneless.outreach.access import (
    may_handle_cards,
    may_record_campaigns,
    may_record_visits,
)
from notoneless.outreach.errors import OutreachRefused
from notoneless.outreach.models import Campaign, CampaignMaterial, CardDelivery, Material, Visit
from notoneless.outreach.rules import default_rules
from notoneless.outreach.survey import Survey, default_survey
from notoneless.registry.models import Division, Household, Term
from notoneless.web.attachments import AttachmentRefused, store_attachment

__all__ = [
    "mark_printed",
    "print_cards",
    "record_campaign",
    "record_delivery",
    "record_signature",
    "record_visit",
]

ANSWERS = ("yes", "no")


def _today() -> date:
    return timezone.localdate()


def _check_past(day: date | None, field: str) -> date:
    if day is None:
        raise OutreachRefused(_("%(field)s: enter a date.") % {"field": field})
    if day > _today():
        raise OutreachRefused(_("%(field)s: the date is in the future.") % {"field": field})
    return day


def _text(value: str, field: str, *, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise OutreachRefused(_("%(field)s: this is required.") % {"field": field})
    if len(value) > limit:
        raise OutreachRefused(
            _("%(field)s: at most %(n)d characters.") % {"field": field, "n": limit}
        )
    return value


def _check_in_scope(user: Any, household: Household, term: Term) -> None:
    if not selectors.households_for(user, term).filter(pk=household.pk).exists():
        raise OutreachRefused(
            _("Household %(number)s is not among the households you may record for.")
            % {"number": household.number}
        )


# --- campaigns -----------------------------------------------------------------------------------


def record_campaign(
    *,
    term: Term,
    title: str,
    kind: str,
    held_on: date,
    acting_user: Any,
    township: Division | None = None,
    village: Division | None = None,
    place: str = "",
    audience: int | None = None,
    notes: str = "",
    materials: Mapping[str, int] | None = None,
) -> Campaign:
    """A campaign (宣传活动) with the materials it handed out by type and count. A township officer's
    campaigns are in the township; a school officer's at the school's township."""
    if not may_record_campaigns(acting_user):
        raise OutreachRefused(_("This role does not record campaigns."))
    title = _text(title, _("Title"), limit=200)
    if kind not in Campaign.Kind.values:
        raise OutreachRefused(_("Kind: unknown kind %(kind)r.") % {"kind": kind})
    _check_past(held_on, _("Date"))
    place = _text(place, _("Venue"), limit=200, required=False)
    township = _campaign_township(acting_user, township, village)
    if township is None and not place:
        raise OutreachRefused(_("Place: give a township, a village or the place."))
    if audience is not None and audience < 0:
        raise OutreachRefused(_("People reached: the number cannot be negative."))
    counts = _materials(materials or {})
    with transaction.atomic():
        campaign = Campaign.objects.create(
            term=term,
            title=title,
            kind=kind,
            held_on=held_on,
            township=township,
            village=village,
            place=place,
            audience=audience,
            notes=(notes or "").strip(),
            created_by=acting_user if acting_user.pk else None,
        )
        CampaignMaterial.objects.bulk_create(
            CampaignMaterial(campaign=campaign, material=m, count=n) for m, n in counts.items()
        )
        record(
            "outreach.campaign",
            acting_user=acting_user,
            object_type="Campaign",
            object_id=campaign.pk,
            detail={
                "term": term.code,
                "kind": kind,
                "held_on": held_on.isoformat(),
                "township": township.code if township else "",
                "materials": counts,
            },
        )
    return campaign


def _campaign_township(
    acting_user: Any, township: Division | None, village: Division | None
) -> Division | None:
    """The campaign's township: the village's (which must lie in the township given), else the one
    given; for an officer with a township of their own (``_own_township``), that one, which they
    cannot leave."""
    if village is not None:
        if village.level != Division.Level.VILLAGE:
            raise OutreachRefused(_("Village: %(name)s is not a village.") % {"name": village.name})
        if township is not None and village.parent_id != township.pk:
            raise OutreachRefused(
                _("Village: %(village)s is not in %(township)s.")
                % {"village": village.name, "township": township.name}
            )
        township = village.parent
    if township is not None and township.level != Division.Level.TOWNSHIP:
        raise OutreachRefused(_("Township: %(name)s is not a township.") % {"name": township.name})
    own = _own_township(acting_user)
    if own is not None:
        if township is not None and township.pk != own:
            raise OutreachRefused(_("Township: you record campaigns of your own township only."))
        township = township or Division.objects.get(pk=own)
    return township


def _own_township(user: Any) -> int | None:
    """The township a township officer's or school officer's campaigns belong to (None: county)."""
    if user.role == Role.TOWNSHIP_OFFICER:
        return int(user.township_id)
    if user.role == Role.SCHOOL_OFFICER and user.school_id:
        return int(user.school.township_id)
    return None


def _materials(materials: Mapping[str, int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for material, count in materials.items():
        if material not in Material.values:
            raise OutreachRefused(_("Materials: unknown material %(m)r.") % {"m": material})
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise OutreachRefused(
                _("Materials: the count of %(m)s must be a whole number, zero or more.")
                % {"m": Material(material).label}
            )
        if count:
            counts[material] = count
    return counts


# --- visits --------------------------------------------------------------------------------------


def record_visit(
    *,
    household: Household,
    visited_on: date,
    visitors: str,
    acting_user: Any,
    notes: str = "",
    answers: Mapping[str, str] | None = None,
    campaign: Campaign | None = None,
    survey: Survey | None = None,
) -> Visit:
    """A home visit (入户走访) to a registered-poor household, with the survey's answers (question code
    to ``yes`` or ``no``; a blank answer means the question was not asked). The visit counts for the term
    holding its day."""
    if not may_record_visits(acting_user):
        raise OutreachRefused(_("This role does not record home visits."))
    _check_past(visited_on, _("Date"))
    visitors = _text(visitors, _("Visitors"), limit=200)
    term = selectors.term_of(visited_on)
    if term is None:
        raise OutreachRefused(_("Date: no term has started by %(day)s.") % {"day": visited_on})
    _check_in_scope(acting_user, household, term)
    if household.poverty_status not in default_rules().visit_statuses:
        raise OutreachRefused(
            _("Household %(number)s is not a registered-poor household.")
            % {"number": household.number}
        )
    given = _answers(answers or {}, survey or default_survey())
    if campaign is not None and campaign.term_id != term.pk:
        raise OutreachRefused(_("Campaign: the campaign belongs to another term."))
    with transaction.atomic():
        visit = Visit.objects.create(
            household=household,
            term=term,
            village_id=household.village_id,
            visited_on=visited_on,
            visitors=visitors,
            notes=(notes or "").strip(),
            campaign=campaign,
            recorded_by=acting_user if acting_user.pk else None,
        )
        visit.answers.bulk_create(
            visit.answers.model(visit=visit, question=q, answer=a) for q, a in given.items()
        )
        record(
            "outreach.visit",
            acting_user=acting_user,
            object_type="Household",
            object_id=household.pk,
            detail={
                "visit": visit.pk,
                "term": term.code,
                "visited_on": visited_on.isoformat(),
                "answers": given,
            },
        )
    return visit


def _answers(answers: Mapping[str, str], survey: Survey) -> dict[str, str]:
    given = {}
    for code, answer in answers.items():
        if code not in survey.by_code:
            raise OutreachRefused(_("Survey: unknown question %(code)r.") % {"code": code})
        answer = (answer or "").strip()
        if not answer:
            continue
        if answer not in ANSWERS:
            raise OutreachRefused(
                _("Survey: the answer to %(code)s must be yes or no, not %(answer)r.")
                % {"code": code, "answer": answer}
            )
        given[code] = answer
    return given


# --- policy cards --------------------------------------------------------------------------------


def mark_printed(
    *, households: Sequence[Household], term: Term, acting_user: Any
) -> list[CardDelivery]:
    """The households' cards of the term are printed. A card printed again keeps its state (a
    delivered card printed again is still delivered)."""
    if not may_handle_cards(acting_user):
        raise OutreachRefused(_("Policy cards are handled by township officers."))
    if not households:
        raise OutreachRefused(_("Households: choose at least one household."))
    for household in households:
        _check_in_scope(acting_user, household, term)
    now = timezone.now()
    with transaction.atomic():
        cards = []
        for household in households:
            card, created = CardDelivery.objects.get_or_create(
                household=household,
                term=term,
                defaults={"printed_at": now, "printed_by": acting_user if acting_user.pk else None},
            )
            if not created:
                card.printed_at = now
                card.printed_by = acting_user if acting_user.pk else None
                card.save(update_fields=["printed_at", "printed_by", "updated_at"])
            cards.append(card)
        record(
            "outreach.cards.printed",
            acting_user=acting_user,
            object_type="Household",
            object_id=households[0].pk if len(households) == 1 else "",
            detail={"term": term.code, "households": [h.number for h in households]},
        )
    return cards


def print_cards(
    *,
    term: Term,
    acting_user: Any,
    village: str | None = None,
    numbers: Sequence[str] = (),
    client: str = "",
) -> aid_documents.Printed:
    """Print the households' cards through the aid office's ``print_cards`` (one PDF, audited there)
    and mark every household printed, in one transaction."""
    if not may_handle_cards(acting_user):
        raise OutreachRefused(_("Policy cards are handled by township officers."))
    try:
        cards = aid_documents.household_cards(
            acting_user, term.code, numbers=numbers, village=village
        )
        with transaction.atomic():
            printed = aid_documents.print_cards(
                term_code=term.code,
                acting_user=acting_user,
                numbers=numbers,
                village=village,
                client=client,
            )
            households = list(Household.objects.filter(pk__in=[c.household_id for c in cards]))
            mark_printed(households=households, term=term, acting_user=acting_user)
    except AidRefused as refusal:
        raise OutreachRefused(str(refusal)) from None
    return printed


def _card(household: Household, term: Term, acting_user: Any) -> CardDelivery:
    if not may_handle_cards(acting_user):
        raise OutreachRefused(_("Policy cards are handled by township officers."))
    _check_in_scope(acting_user, household, term)
    card = CardDelivery.objects.filter(household=household, term=term).first()
    if card is None:
        raise OutreachRefused(
            _("The card of household %(number)s for %(term)s has not been printed yet.")
            % {"number": household.number, "term": term.code}
        )
    return card


def record_delivery(
    *,
    household: Household,
    term: Term,
    delivered_on: date,
    delivered_by: str,
    acting_user: Any,
) -> CardDelivery:
    """The printed card was handed to the family: when and by whom (a delivered card may be
    corrected until it is signed)."""
    card = _card(household, term, acting_user)
    _check_past(delivered_on, _("Delivered on"))
    delivered_by = _text(delivered_by, _("Delivered by"), limit=200)
    if card.state == CardDelivery.State.SIGNED:
        raise OutreachRefused(
            _("The card of household %(number)s is already signed.") % {"number": household.number}
        )
    with transaction.atomic():
        card.state = CardDelivery.State.DELIVERED
        card.delivered_on, card.delivered_by = delivered_on, delivered_by
        card.delivery_recorded_by = acting_user if acting_user.pk else None
        card.save()
        record(
            "outreach.cards.delivered",
            acting_user=acting_user,
            object_type="Household",
            object_id=household.pk,
            detail={
                "term": term.code,
                "delivered_on": delivered_on.isoformat(),
                "delivered_by": delivered_by,
            },
        )
    return card


def record_signature(
    *,
    household: Household,
    term: Term,
    signed_on: date,
    acting_user: Any,
    photo: File | None = None,
) -> CardDelivery:
    """The family signed the delivered card; optionally a photo (or scan) of the signed card. A file
    that is not a photo or PDF, or too large, is refused and nothing is stored."""
    card = _card(household, term, acting_user)
    _check_past(signed_on, _("Signed on"))
    if card.state == CardDelivery.State.PRINTED:
        raise OutreachRefused(
            _("The card of household %(number)s cannot be signed before it is delivered.")
            % {"number": household.number}
        )
    if card.state == CardDelivery.State.SIGNED:
        raise OutreachRefused(
            _("The card of household %(number)s is already signed.") % {"number": household.number}
        )
    assert card.delivered_on is not None
    if signed_on < card.delivered_on:
        raise OutreachRefused(
            _("Signed on: before the card was delivered (%(day)s).") % {"day": card.delivered_on}
        )
    stored = None
    if photo is not None:
        try:
            stored = store_attachment(photo, folder="outreach")
        except AttachmentRefused as refusal:
            raise OutreachRefused(_("Photo: %(why)s") % {"why": refusal}) from None
    try:
        with transaction.atomic():
            card.state, card.signed_on = CardDelivery.State.SIGNED, signed_on
            card.signed_recorded_by = acting_user if acting_user.pk else None
            if stored is not None:
                card.photo_path, card.photo_name = stored.path, stored.original_name
                card.photo_kind, card.photo_size = stored.kind, stored.size
                card.photo_sha256 = stored.sha256
            card.save()
            record(
                "outreach.cards.signed",
                acting_user=acting_user,
                object_type="Household",
                object_id=household.pk,
                detail={
                    "term": term.code,
                    "signed_on": signed_on.isoformat(),
                    "photo": stored.sha256 if stored else "",
                },
            )
    except BaseException:
        if stored is not None:
            default_storage.delete(stored.path)
        raise
    return card
