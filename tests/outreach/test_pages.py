"""The publicity pages: the overview's figures, a household with its visit form and card, recording a
visit and a card's steps through the pages, scope (404), the signed card's photo, campaigns."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notoneless.outreach import actions
from notoneless.outreach.models import Campaign, CardDelivery, Visit
from outreach.outreach_county import compute_aid, deliver, household, term, visit
from web.county import TERM, County

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _url(name: str, *args: object) -> str:
    return f"{reverse(name, args=args)}?term={TERM}"


def _figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert found, f"no figure {name}"
    return found.group(1)


@pytest.mark.parametrize(
    "persona", ["county_admin", "aid_officer", "auditor", "officer_a", "teacher_a", "township_a"]
)
def test_every_role_reads_the_overview(county: County, persona: str):
    response = county.client(persona).get(_url("outreach_index"))
    assert response.status_code == 200


def test_the_overview_shows_the_coverage_of_the_records(outreach_county: County):
    visit(outreach_county, "H001")

    html = outreach_county.client("county_admin").get(_url("outreach_index")).content.decode()

    assert (_figure(html, "households"), _figure(html, "visited"), _figure(html, "unvisited")) == (
        "3",
        "1",
        "2",
    )


def test_a_township_officer_records_a_visit_with_survey_answers_through_the_page(county: County):
    client = county.client("township_a")
    h = household("H001")
    page = client.get(_url("outreach_household", h.pk)).content.decode()
    assert 'name="q_compulsory_living"' in page

    response = client.post(
        _url("outreach_visit", h.pk),
        {
            "visited_on": "2020-10-15",
            "visitors": "王干事、李老师",
            "q_compulsory_living": "no",
            "q_hotline": "yes",
            "q_senior": "",
        },
    )

    assert response.status_code == 302
    recorded = Visit.objects.get()
    assert (recorded.household, recorded.visited_on) == (h, date(2020, 10, 15))
    assert dict(recorded.answers.values_list("question", "answer")) == {
        "compulsory_living": "no",
        "hotline": "yes",
    }
    page = client.get(response["Location"]).content.decode()
    assert 'data-answer="no"' in page


def test_a_visit_with_a_bad_answer_is_refused_and_nothing_is_stored(county: County):
    client = county.client("township_a")
    h = household("H001")
    response = client.post(
        _url("outreach_visit", h.pk),
        {"visited_on": "2020-10-15", "visitors": "王干事", "q_hotline": "perhaps"},
        follow=True,
    )
    assert not Visit.objects.exists()
    assert "alert" in response.content.decode()


def test_a_township_officer_gets_404_for_a_household_of_another_township(outreach_county: County):
    client = outreach_county.client("township_a")
    h4 = household("H004")

    assert client.get(_url("outreach_household", h4.pk)).status_code == 404
    response = client.post(
        _url("outreach_visit", h4.pk), {"visited_on": "2020-10-15", "visitors": "王干事"}
    )
    assert response.status_code == 404
    assert not Visit.objects.exists()


def test_school_officer_b_cannot_see_a_township_a_household_of_school_a(county: County):
    client = county.client("officer_b")
    assert client.get(_url("outreach_household", household("H001").pk)).status_code == 404
    # 赵磊 of H002 studies at officer_b's school
    assert client.get(_url("outreach_household", household("H002").pk)).status_code == 200
    html = client.get(_url("outreach_households")).content.decode()
    assert 'data-household="H002"' in html and 'data-household="H001"' not in html


def test_a_reader_sees_no_visit_form_and_cannot_post_one(county: County):
    client = county.client("auditor")
    h = household("H001")
    assert 'name="q_hotline"' not in client.get(_url("outreach_household", h.pk)).content.decode()
    response = client.post(
        _url("outreach_visit", h.pk), {"visited_on": "2020-10-15", "visitors": "x"}
    )
    assert response.status_code == 403
    assert not Visit.objects.exists()


def test_a_card_goes_through_its_steps_on_the_household_page(
    county: County, settings, tmp_path: Path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    client = county.client("township_a")
    h = household("H001")

    client.post(reverse("outreach_card_step", args=[h.pk, "printed"]) + f"?term={TERM}")
    signed_first = client.post(
        reverse("outreach_card_step", args=[h.pk, "signed"]) + f"?term={TERM}",
        {"signed_on": "2020-10-21"},
        follow=True,
    )
    assert 'role="alert"' in signed_first.content.decode()
    assert CardDelivery.objects.get().state == CardDelivery.State.PRINTED
    client.post(
        reverse("outreach_card_step", args=[h.pk, "delivered"]) + f"?term={TERM}",
        {"delivered_on": "2020-10-20", "delivered_by": "王干事"},
    )
    client.post(
        reverse("outreach_card_step", args=[h.pk, "signed"]) + f"?term={TERM}",
        {"signed_on": "2020-10-21", "photo": SimpleUploadedFile("card.png", PNG)},
    )

    card = CardDelivery.objects.get()
    assert card.state == CardDelivery.State.SIGNED
    photo = client.get(reverse("outreach_card_photo", args=[card.pk]))
    assert photo.status_code == 200 and b"".join(photo.streaming_content) == PNG
    # someone who may not see the household does not get the photo
    assert (
        county.client("officer_b").get(reverse("outreach_card_photo", args=[card.pk])).status_code
        == 404
    )


def test_a_bad_photo_is_refused_on_the_page_and_nothing_is_stored(
    county: County, settings, tmp_path: Path
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    actions.mark_printed(
        households=[household("H001")], term=term(), acting_user=county.user("township_a")
    )
    deliver(county, "H001")
    client = county.client("township_a")

    response = client.post(
        reverse("outreach_card_step", args=[household("H001").pk, "signed"]) + f"?term={TERM}",
        {
            "signed_on": "2020-10-21",
            "photo": SimpleUploadedFile("card.png", b"#!/bin/sh\necho hi\n" * 3),
        },
        follow=True,
    )

    assert CardDelivery.objects.get().state == CardDelivery.State.DELIVERED
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    assert 'role="alert"' in response.content.decode()


def test_the_township_officer_prints_a_village_s_cards_as_a_pdf(county: County):
    compute_aid()
    response = county.client("township_a").post(
        reverse("outreach_print_cards"), {"term": TERM, "village": "610802100201"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert CardDelivery.objects.get().household.number == "H001"


def test_the_awareness_page_lists_the_family_to_follow_up(county: County):
    compute_aid()
    visit(county, "H001", answers={"compulsory_living": "no"})
    visit(county, "H002", answers={"compulsory_living": "yes"})

    html = county.client("county_admin").get(_url("outreach_awareness")).content.decode()

    follow_up = html[html.index('class="list follow-up"') :]
    assert 'data-household="H001"' in follow_up
    assert 'data-household="H002"' not in follow_up


def test_a_campaign_is_recorded_on_the_campaigns_page(county: County):
    response = county.client("township_a").post(
        _url("outreach_campaigns"),
        {
            "title": "入户宣传周",
            "kind": "door_to_door",
            "held_on": "2020-09-25",
            "village": "610802100202",
            "m_policy_card": "40",
            "m_brochure": "",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.village.name, campaign.township.name) == ("王沙沟村", "鱼河镇")
    assert dict(campaign.materials.values_list("material", "count")) == {"policy_card": 40}


def test_the_auditor_sees_campaigns_but_no_form(county: County):
    client = county.client("auditor")
    assert 'name="title"' not in client.get(_url("outreach_campaigns")).content.decode()
    assert client.post(_url("outreach_campaigns"), {"title": "x"}).status_code == 403
