"""The policy card (明白卡) of a household and term: printed (through the aid office's printing), then
delivered (by whom, when), then signed (optionally with a photo of the signed card)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notoneless.audit.models import AuditEntry
from notoneless.outreach import actions
from notoneless.outreach.errors import OutreachRefused
from notoneless.outreach.models import CardDelivery
from notoneless.web.attachments import open_attachment
from outreach.outreach_county import compute_aid, deliver, household, term
from web.county import County

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def _print(county: County, *numbers: str) -> None:
    actions.mark_printed(
        households=[household(n) for n in numbers],
        term=term(),
        acting_user=county.user("township_a"),
    )


def test_printing_a_village_through_the_aid_cards_marks_its_households_printed(county: County):
    compute_aid()

    printed = actions.print_cards(
        term=term(), village="610802100201", acting_user=county.user("township_a")
    )

    assert printed.pdf.startswith(b"%PDF")
    card = CardDelivery.objects.get()
    assert (card.household.number, card.state) == ("H001", CardDelivery.State.PRINTED)
    assert AuditEntry.objects.filter(action="aid.cards.print").count() == 1
    assert AuditEntry.objects.filter(action="outreach.cards.printed").count() == 1


def test_a_card_goes_from_printed_to_delivered_to_signed_with_a_photo(county: County, media: Path):
    _print(county, "H001")
    deliver(county, "H001", date(2020, 10, 20))

    card = actions.record_signature(
        household=household("H001"),
        term=term(),
        signed_on=date(2020, 10, 21),
        photo=SimpleUploadedFile("签收.png", PNG, content_type="image/png"),
        acting_user=county.user("township_a"),
    )

    card.refresh_from_db()
    assert card.state == CardDelivery.State.SIGNED
    assert (card.delivered_on, card.delivered_by, card.signed_on) == (
        date(2020, 10, 20),
        "王干事",
        date(2020, 10, 21),
    )
    assert (card.photo_name, card.photo_kind) == ("签收.png", "png")
    with open_attachment(card.photo_path) as stored:
        assert stored.read() == PNG


def test_a_card_cannot_be_signed_before_it_is_delivered(county: County):
    _print(county, "H001")

    with pytest.raises(OutreachRefused, match="cannot be signed before it is delivered"):
        actions.record_signature(
            household=household("H001"),
            term=term(),
            signed_on=date(2020, 10, 21),
            acting_user=county.user("township_a"),
        )
    assert CardDelivery.objects.get().state == CardDelivery.State.PRINTED


def test_a_card_that_was_not_printed_cannot_be_delivered(county: County):
    with pytest.raises(OutreachRefused, match="has not been printed yet"):
        deliver(county, "H001")
    assert not CardDelivery.objects.exists()


def test_a_signature_before_the_delivery_day_is_refused(county: County):
    _print(county, "H001")
    deliver(county, "H001", date(2020, 10, 20))

    with pytest.raises(OutreachRefused, match="Signed on: before the card was delivered"):
        actions.record_signature(
            household=household("H001"),
            term=term(),
            signed_on=date(2020, 10, 19),
            acting_user=county.user("township_a"),
        )
    assert CardDelivery.objects.get().state == CardDelivery.State.DELIVERED


def test_a_photo_that_is_not_a_photo_is_refused_and_nothing_is_stored(county: County, media: Path):
    _print(county, "H001")
    deliver(county, "H001")

    with pytest.raises(OutreachRefused, match=r"Photo: .*only photos"):
        actions.record_signature(
            household=household("H001"),
            term=term(),
            signed_on=date(2020, 10, 21),
            photo=SimpleUploadedFile("签收.png", b"MZ\x90\x00 not a picture" * 4),
            acting_user=county.user("township_a"),
        )
    card = CardDelivery.objects.get()
    assert (card.state, card.photo_path) == (CardDelivery.State.DELIVERED, "")
    assert _stored_files(media) == []
    assert not AuditEntry.objects.filter(action="outreach.cards.signed").exists()


def test_a_signed_card_cannot_be_delivered_again(county: County):
    _print(county, "H001")
    deliver(county, "H001")
    actions.record_signature(
        household=household("H001"),
        term=term(),
        signed_on=date(2020, 10, 21),
        acting_user=county.user("township_a"),
    )
    with pytest.raises(OutreachRefused, match="already signed"):
        deliver(county, "H001", date(2020, 10, 22))


def test_printing_again_keeps_a_delivered_card_delivered(county: County):
    _print(county, "H001")
    deliver(county, "H001")
    _print(county, "H001")
    assert CardDelivery.objects.get().state == CardDelivery.State.DELIVERED


@pytest.mark.parametrize("persona", ["teacher_a", "officer_a", "county_admin", "auditor"])
def test_only_township_officers_handle_cards(county: County, persona: str):
    with pytest.raises(OutreachRefused, match="handled by township officers"):
        actions.mark_printed(
            households=[household("H001")], term=term(), acting_user=county.user(persona)
        )
    assert not CardDelivery.objects.exists()


def test_a_township_officer_cannot_handle_the_card_of_another_township(outreach_county: County):
    with pytest.raises(OutreachRefused, match="H004"):
        actions.mark_printed(
            households=[household("H001"), household("H004")],
            term=term(),
            acting_user=outreach_county.user("township_a"),
        )
    assert not CardDelivery.objects.exists()
