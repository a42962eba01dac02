"""A township officer records a home visit with the awareness survey on a phone-sized page: from the
publicity overview to the households not yet visited, the household, the visit form with its answers;
the visit is stored with its answers and the coverage figure moves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from notoneless.outreach.models import Visit
from web.county import TERM, County, build_county

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def county(transactional_db: None, fast_passwords: None, tmp_path: Path) -> County:
    return build_county(tmp_path)


def test_a_township_officer_records_a_visit_with_survey_answers_on_a_phone(
    county: County, log_in: Any
):
    page = log_in("township_a")
    page.set_viewport_size(PHONE)

    page.goto(f"{reverse('outreach_index')}?term={TERM}")
    assert page.locator('[data-figure="visited"]').inner_text() == "0"
    page.click(f'a[href="{reverse("outreach_households")}?term={TERM}&only=unvisited"]')
    page.click('tr[data-household="H001"] a')

    form = page.locator("form.visit-form")
    form.locator("#id_visited_on").fill("2020-10-15")
    form.locator("#id_visitors").fill("鱼河镇教育专干 王干事")
    form.locator('fieldset[data-question="compulsory_living"] input[value="no"]').check()
    form.locator('fieldset[data-question="hotline"] input[value="yes"]').check()
    # nothing sticks out of a 360 px screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()

    assert page.locator('li[data-answer="no"]').count() == 1
    visit = Visit.objects.get()
    assert visit.household.number == "H001"
    assert dict(visit.answers.values_list("question", "answer")) == {
        "compulsory_living": "no",
        "hotline": "yes",
    }
    page.goto(f"{reverse('outreach_index')}?term={TERM}")
    assert page.locator('[data-figure="visited"]').inner_text() == "1"
