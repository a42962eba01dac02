"""``actions.record_campaign``: an event with its place and the materials handed out by type and count."""

from __future__ import annotations

from datetime import date

import pytest

from notoneless.outreach import actions, selectors
from notoneless.outreach.errors import OutreachRefused
from notoneless.outreach.models import Campaign
from notoneless.registry.models import Division
from outreach.outreach_county import term
from web.county import TOWNSHIP_A, TOWNSHIP_B, County

pytestmark = pytest.mark.django_db


def _campaign(county: County, persona: str, **changes):
    args = {
        "term": term(),
        "title": "资助政策宣讲会",
        "kind": "briefing",
        "held_on": date(2020, 9, 20),
        "village": Division.objects.get(code="610802100201"),
        "materials": {"policy_card": 120, "brochure": 300, "parent_letter": 0},
        "acting_user": county.user(persona),
        **changes,
    }
    return actions.record_campaign(**args)


def test_a_township_officer_records_a_campaign_in_a_village_with_its_materials(county: County):
    campaign = _campaign(county, "township_a", audience=85)

    assert campaign.township.code == TOWNSHIP_A
    assert dict(campaign.materials.values_list("material", "count")) == {
        "policy_card": 120,
        "brochure": 300,
    }
    totals = selectors.material_totals(selectors.campaigns_for(county.user("county_admin"), term()))
    assert [(code, n) for code, _label, n in totals] == [("brochure", 300), ("policy_card", 120)]


def test_a_county_campaign_may_be_a_broadcast_with_a_free_text_place(county: County):
    campaign = _campaign(
        county, "county_admin", kind="media", village=None, place="榆阳区广播电台", materials={}
    )
    assert (campaign.township, campaign.place) == (None, "榆阳区广播电台")
    # county-wide campaigns are seen by everyone
    assert list(selectors.campaigns_for(county.user("officer_b"), term())) == [campaign]


def test_a_township_officer_cannot_record_a_campaign_in_another_township(county: County):
    with pytest.raises(OutreachRefused, match="Township: you record campaigns of your own"):
        _campaign(county, "township_a", village=Division.objects.get(code="610802101201"))
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": " "}, "Title: this is required"),
        ({"kind": "party"}, "Kind: unknown kind"),
        ({"materials": {"leaflet": 3}}, "Materials: unknown material 'leaflet'"),
        ({"materials": {"brochure": -3}}, "Materials: the count of"),
        ({"village": None, "place": "", "acting_user_persona": "county_admin"}, "Place: give"),
    ],
)
def test_bad_campaigns_are_refused_naming_the_field(county: County, changes: dict, message: str):
    persona = changes.pop("acting_user_persona", "township_a")
    with pytest.raises(OutreachRefused, match=message):
        _campaign(county, persona, **changes)
    assert not Campaign.objects.exists()


def test_the_auditor_cannot_record_a_campaign(county: County):
    with pytest.raises(OutreachRefused, match="does not record campaigns"):
        _campaign(county, "auditor")


def test_township_b_does_not_see_township_a_campaigns(county: County):
    _campaign(county, "township_a")
    officer = county.user("township_a")
    officer.township = Division.objects.get(code=TOWNSHIP_B)
    assert list(selectors.campaigns_for(officer, term())) == []
