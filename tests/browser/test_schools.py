"""School balance in a real browser: the county administrator reads the spread between schools,
opens a school's balance sheet, corrects its sports ground and sees it meet the standard, makes the
week's itinerant plan from the page and downloads the project report as Excel; the itinerant
teacher then reads their week on a phone."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from notoneless.jobs.worker import run_pending
from notoneless.schools import frames
from notoneless.schools.itinerant.plan import make_plan
from notoneless.schools.models import Conditions, ItinerantPlan
from schools.county import P1, County, build

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def county(transactional_db: None, fast_passwords: None, tmp_path: Path) -> County:
    return build(tmp_path)


def test_an_administrator_corrects_a_school_plans_the_week_and_exports(county: County, log_in: Any):
    page = log_in("county_admin")
    page.goto(reverse("schools_index"))
    assert page.locator("tr[data-cv]").count() == 14  # seven indicators, two stages
    page.goto(reverse("schools_indicators") + "?stage=primary")
    page.click(f'tr[data-school="{P1}"] a')
    assert (
        page.locator('tr[data-indicator="sports_ground"]').get_attribute("data-status") == "short"
    )
    page.click(f'a[href="{reverse("schools_conditions", args=[county.school(P1).pk, 2020])}"]')
    page.fill("#id_sports_ground_m2", "800")
    with page.expect_navigation():
        page.click('form.stack button[type="submit"]')
    assert page.locator('tr[data-indicator="sports_ground"]').get_attribute("data-status") == "met"
    assert Conditions.objects.get(school__code=P1, year=2020).version == 2

    page.goto(reverse("schools_plan"))
    page.fill("#id_time_limit", "5")
    with page.expect_navigation():
        page.click('button[name="make"]')
    # the job's page waits for the worker; here the worker is this test, and the page sees it finish
    assert page.locator("#job-state").get_attribute("data-status") == "queued"
    run_pending()
    page.wait_for_selector('#job-state[data-status="done"]')
    with page.expect_navigation():
        page.click("#job-state a.next")
    plan = ItinerantPlan.objects.get()
    assert page.locator('[data-figure="covered"]').inner_text().startswith(str(plan.covered))
    assert page.locator('tr[data-township="鱼河镇"]').count() == 1

    page.goto(reverse("schools_projects"))
    with page.expect_download() as download:
        page.click(f'a[href^="{reverse("schools_projects_xlsx")}"]')
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == ["分年度投入", "项目清单"]


def test_an_itinerant_teacher_reads_the_week_on_a_phone(county: County, log_in: Any):
    make_plan(term=frames.autumn_term(2020), acting_user=county.user("county_admin"), time_limit=5)
    page = log_in("walking_teacher")
    page.set_viewport_size({"width": 360, "height": 740})
    page.click(f'a[href="{reverse("schools_my_week")}"]')
    assert page.locator("[data-period]").count() == 12
    # the week's table scrolls inside its frame; the page itself fits the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
