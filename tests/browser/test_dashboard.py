"""The dashboard in a real browser: ECharts (served by the app) draws every chart, the table under it
holds the same numbers, and a township's link drills down to its schools; on a phone the page fits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from web.county import County, build_county

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def county(transactional_db: None, fast_passwords: None, tmp_path: Path) -> County:
    return build_county(tmp_path)


def test_the_charts_are_drawn_and_a_township_drills_down(county: County, log_in: Any):
    page = log_in("county_admin")
    page.wait_for_selector('.chart[data-drawn="true"]')
    drawn = page.locator('.chart[data-drawn="true"]').count()
    assert drawn == page.locator(".chart").count() >= 6
    assert page.locator('[data-chart="students"] svg').count() == 1
    page.click('[data-chart="students"] summary')
    with page.expect_navigation():
        page.click('[data-chart="students"] tr[data-category="鱼河镇"] a')
    assert page.locator("h1").inner_text() == "鱼河镇"
    assert page.locator('[data-chart="students"] tr[data-category="鱼河镇中心小学"]').count() == 1


def test_the_dashboard_fits_a_phone(county: County, log_in: Any):
    page = log_in("township_a")
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    page.wait_for_selector('.chart[data-drawn="true"]')
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
