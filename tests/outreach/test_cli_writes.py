"""The writes of ``notoneless outreach`` from a terminal: a campaign with its materials, a home visit with
the survey's answers (a household out of the user's scope is not found and nothing is stored), and the
policy card printed, delivered and signed with a photo (a bad photo stores nothing); each names its
``--user`` in the audit log."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from notoneless.audit.models import AuditEntry
from notoneless.outreach.models import Campaign, CardDelivery, Visit
from outreach.outreach_county import compute_aid, household
from web.county import TERM, TOWNSHIP_A, County

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VILLAGE_A = "610802100201"  # 鱼河村, H001


def outreach(*args: str) -> str:
    out = StringIO()
    call_command("outreach", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


# --- campaigns -------------------------------------------------------------------------------------


def test_a_township_officer_records_a_campaign_with_its_materials(outreach_county: County):
    outreach(
        "campaigns", "add", "--title", "资助政策宣讲会", "--kind", "briefing", "--date", "2020-09-20",
        "--village", VILLAGE_A, "--material", "policy_card=120", "--material", "brochure=300",
        "--audience", "85", "--user", "township_a",
    )  # fmt: skip

    campaign = Campaign.objects.get()
    assert (campaign.term.code, campaign.township.code, campaign.audience) == (TERM, TOWNSHIP_A, 85)
    assert dict(campaign.materials.values_list("material", "count")) == {
        "policy_card": 120,
        "brochure": 300,
    }
    entry = AuditEntry.objects.get(action="outreach.campaign")
    assert entry.username == "township_a"
    listed = json.loads(outreach("campaigns", "--term", TERM, "--json"))
    assert listed["materials"] == {"brochure": 300, "policy_card": 120}


@pytest.mark.parametrize(
    ("material", "message"),
    [("leaflet=5", "unknown material 'leaflet'"), ("brochure=many", "must be a whole number")],
)
def test_a_bad_material_is_refused_and_nothing_is_stored(outreach_county, material, message):
    with pytest.raises(CommandError, match=message):
        outreach(
            "campaigns", "add", "--title", "宣讲", "--kind", "briefing", "--date", "2020-09-20",
            "--place", "村委会", "--material", material, "--user", "county_admin",
        )  # fmt: skip
    assert not Campaign.objects.exists()
    assert not AuditEntry.objects.filter(action="outreach.campaign").exists()


# --- visits ----------------------------------------------------------------------------------------


def test_a_visit_is_recorded_with_the_survey_answers(outreach_county: County):
    out = outreach(
        "visits", "add", "--household", "H001", "--date", "2020-10-12", "--visitors", "王干事",
        "--answer", "compulsory_living=no", "--answer", "hotline=yes", "--user", "township_a",
    )  # fmt: skip

    visit = Visit.objects.get()
    assert (visit.household.number, visit.term.code, visit.visitors) == ("H001", TERM, "王干事")
    assert dict(visit.answers.values_list("question", "answer")) == {
        "compulsory_living": "no",
        "hotline": "yes",
    }
    entry = AuditEntry.objects.get(action="outreach.visit")
    assert entry.username == "township_a" and entry.detail["answers"]["hotline"] == "yes"
    assert "H001" in out
    listed = json.loads(outreach("visits", "--household", "H001", "--term", TERM, "--json"))
    assert [v["visitors"] for v in listed["visits"]] == ["王干事"]


def test_a_visit_to_a_household_out_of_the_users_scope_is_refused_and_nothing_is_stored(
    outreach_county: County,
):
    with pytest.raises(CommandError, match="no household H004 in your scope"):
        outreach(
            "visits", "add", "--household", "H004", "--date", "2020-10-12", "--visitors", "王干事",
            "--user", "township_a",
        )  # fmt: skip
    assert not Visit.objects.exists()
    assert not AuditEntry.objects.filter(action="outreach.visit").exists()


def test_an_unknown_survey_answer_is_a_one_line_refusal(outreach_county: County):
    with pytest.raises(CommandError, match="must be yes or no, not 'maybe'"):
        outreach(
            "visits", "add", "--household", "H001", "--date", "2020-10-12", "--visitors", "王干事",
            "--answer", "hotline=maybe", "--user", "township_a",
        )  # fmt: skip
    assert not Visit.objects.exists()


# --- policy cards ----------------------------------------------------------------------------------


def test_a_card_is_printed_delivered_and_signed_with_a_photo(outreach_county, media, tmp_path):
    (tmp_path / "signed.png").write_bytes(PNG)
    card_args = ("--household", "H001", "--term", TERM, "--user", "township_a")

    outreach("cards", "print", *card_args)
    assert CardDelivery.objects.get().state == CardDelivery.State.PRINTED
    outreach("cards", "deliver", *card_args, "--date", "2020-10-20", "--by", "王干事")
    outreach(
        "cards", "sign", *card_args, "--date", "2020-10-22", "--photo", str(tmp_path / "signed.png")
    )

    card = CardDelivery.objects.get(household=household("H001"))
    assert (card.state, card.delivered_by, card.photo_name) == ("signed", "王干事", "signed.png")
    assert (media / card.photo_path).read_bytes() == PNG
    for action in ("printed", "delivered", "signed"):
        assert AuditEntry.objects.get(action=f"outreach.cards.{action}").username == "township_a"
    listed = json.loads(outreach("cards", "list", "--term", TERM, "--json"))
    assert [(c["household"], c["state"], c["photo"]) for c in listed["cards"]] == [
        ("H001", "signed", True)
    ]


def test_a_bad_photo_refuses_the_signature_and_stores_nothing(outreach_county, media, tmp_path):
    (tmp_path / "signed.txt").write_text("not a photo")
    card_args = ("--household", "H001", "--term", TERM, "--user", "township_a")
    outreach("cards", "print", *card_args)
    outreach("cards", "deliver", *card_args, "--date", "2020-10-20", "--by", "王干事")

    with pytest.raises(CommandError, match="Photo: "):
        outreach(
            "cards",
            "sign",
            *card_args,
            "--date",
            "2020-10-22",
            "--photo",
            str(tmp_path / "signed.txt"),
        )

    assert CardDelivery.objects.get().state == CardDelivery.State.DELIVERED
    assert stored_files(media) == []
    assert not AuditEntry.objects.filter(action="outreach.cards.signed").exists()


def test_a_card_cannot_be_signed_before_it_is_delivered(outreach_county):
    card_args = ("--household", "H001", "--term", TERM, "--user", "township_a")
    outreach("cards", "print", *card_args)
    with pytest.raises(CommandError, match="cannot be signed before it is delivered"):
        outreach("cards", "sign", *card_args, "--date", "2020-10-22")
    assert CardDelivery.objects.get().state == CardDelivery.State.PRINTED


def test_cards_are_printed_into_a_pdf_through_the_aid_printing(outreach_county, tmp_path):
    compute_aid()
    out = tmp_path / "cards.pdf"

    outreach(
        "cards",
        "print",
        "--household",
        "H001",
        "--term",
        TERM,
        "--pdf",
        str(out),
        "--user",
        "township_a",
    )

    assert out.read_bytes().startswith(b"%PDF")
    assert CardDelivery.objects.get().household.number == "H001"
    assert AuditEntry.objects.get(action="aid.cards.print").username == "township_a"


def test_only_township_officers_handle_cards(outreach_county):
    with pytest.raises(CommandError, match="handled by township officers"):
        outreach("cards", "print", "--household", "H001", "--term", TERM, "--user", "county_admin")
    assert not CardDelivery.objects.exists()
