"""``outreach.demo.setup``: the demo's publicity, recorded through the actions, agrees with the reports."""

from __future__ import annotations

import pytest

from notoneless.outreach import demo, selectors
from notoneless.outreach.models import CardDelivery, Visit
from outreach.outreach_county import compute_aid, term
from web.county import County

pytestmark = pytest.mark.django_db


def test_the_demo_records_campaigns_visits_answers_and_cards(outreach_county: County):
    compute_aid()

    summary = demo.setup()

    assert "campaigns" in summary
    report = selectors.coverage(outreach_county.user("county_admin"), term())
    assert report.total.households == 3
    assert report.total.visited == Visit.objects.values("household").distinct().count() == 2
    assert CardDelivery.objects.filter(state="signed").exists()
    assert selectors.awareness(outreach_county.user("county_admin"), term()).total.answers > 0
    # run again: nothing more
    assert demo.setup() == "  publicity already recorded for the term"
    assert Visit.objects.count() == 2
