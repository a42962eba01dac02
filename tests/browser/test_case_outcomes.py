"""A return-to-school case worked in a real browser by the school officer, to each outcome: from the
dashboard to the ledger, the case, a home visit recorded, then the case closed with what the outcome
needs (the receiving school, the destination, the medical certificate)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from notoneless.retention.models import Case
from retention.cases import open_case
from web.county import SCHOOL_B, County, build_county

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OUTCOMES = {
    "returned": {},
    "transferred": {"#id_receiving_school": SCHOOL_B},
    "home_taught": {},
    "deferred": {"#id_certificate": "榆林市第一医院诊断证明"},
    "moved_away": {"#id_destination": "内蒙古鄂尔多斯市"},
    "explained": {},
}


@pytest.fixture
def county(transactional_db: None, fast_passwords: None, tmp_path: Path) -> County:
    return build_county(tmp_path)


@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_a_school_officer_works_a_case_to_its_outcome(
    county: County, tmp_path: Path, log_in: Any, outcome: str
):
    case = open_case(county, tmp_path)
    page = log_in("officer_a")

    page.goto(reverse("retention_dashboard"))
    assert page.locator('[data-figure="suspected"]').inner_text() == "1"
    page.click(f'a[href="{reverse("retention_cases")}?ledger=suspected"]')
    page.click(f'a[href="{reverse("retention_case", args=[case.pk])}"]')

    visit = page.locator('li[data-step="home_visit"]')
    visit.locator("#step-home_visit-done_on").fill("2020-11-30")
    visit.locator("#step-home_visit-performed_by").fill("班主任 李老师")
    with page.expect_navigation():
        visit.locator('button[type="submit"]').click()
    assert page.locator('li[data-step="home_visit"] .aid-state').count() == 1

    page.select_option("#id_outcome", outcome)
    page.fill("#id_closed_on", "2020-12-07")
    for selector, value in OUTCOMES[outcome].items():
        if selector == "#id_receiving_school":
            page.select_option(selector, str(county.school(value).pk))
        else:
            page.fill(selector, value)
    with page.expect_navigation():
        page.click(f'form[action="{reverse("retention_close", args=[case.pk])}"] button')

    assert page.locator(f'[data-outcome="{outcome}"]').count() == 1
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Case.Status.CLOSED, outcome)
    assert case.steps.get(kind="home_visit").performed_by == "班主任 李老师"
