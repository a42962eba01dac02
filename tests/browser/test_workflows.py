"""The day's work in a real browser, as the issue lists it: each role logs in and sees only its pages;
a student file with a bad row is uploaded, its import runs as a job, the problem is shown and the
error report downloads; a term's aid is computed as a job watched to its end, compiled by one officer
and approved by a second; a teacher takes attendance on a phone. Screenshots of the main pages go to
``$NOTONELESS_SCREENSHOTS`` (CI keeps them as artifacts)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.urls import reverse

from aid.county import J1, K1, P1, S1, V1, AidCounty, build
from aid.county import TERM as AID_TERM
from notoneless.aid import workflow
from notoneless.aid.models import AidTerm, Entitlement
from notoneless.registry.models import ImportRun
from notoneless.retention.models import Absence
from web.county import CHILDREN, TERM, County, build_county, students_csv

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 360, "height": 740}

# what each persona of the web county finds in its navigation (by URL), and what it must not
SEES = {
    "county_admin": {"/aid/", "/imports/", "/jobs/", "/matching/", "/balance/"},
    "aid_officer": {"/aid/", "/jobs/"},
    "auditor": {"/aid/", "/jobs/"},
    "officer_a": {"/aid/", "/retention/", "/retention/attendance/"},
    "teacher_a": {"/retention/attendance/", "/aid/identification/"},
    "township_a": {"/outreach/", "/aid/cards/"},
}
NEVER = {
    "aid_officer": {"/imports/", "/admin/"},
    "auditor": {"/imports/", "/retention/attendance/", "/admin/"},
    "officer_a": {"/imports/", "/jobs/", "/admin/"},
    "teacher_a": {"/imports/", "/jobs/", "/aid/", "/matching/", "/admin/"},
    "township_a": {"/imports/", "/jobs/", "/retention/attendance/", "/admin/"},
}


@pytest.fixture
def county(transactional_db: None, fast_passwords: None, tmp_path: Path) -> County:
    return build_county(tmp_path)


def _nav(page: Any) -> set[str]:
    return set(
        page.eval_on_selector_all("nav.nav a", "links => links.map(a => a.getAttribute('href'))")
    )


@pytest.mark.parametrize("persona", sorted(SEES))
def test_each_role_sees_its_pages_and_not_the_others(
    county: County, log_in: Any, screenshot: Any, persona: str
):
    page = log_in(persona)
    links = _nav(page)
    assert SEES[persona] <= links, f"{persona} misses {SEES[persona] - links}"
    assert not (NEVER.get(persona, set()) & links), f"{persona} sees {NEVER[persona] & links}"
    screenshot(f"overview-{persona}")
    for url in NEVER.get(persona, set()) - {"/admin/", "/jobs/"}:  # /jobs/ lists one's own jobs
        response = page.goto(url)
        assert response is not None and response.status in (403, 404), (persona, url)
        assert "Traceback" not in page.content()


def test_a_student_file_with_a_bad_row_is_shown_and_its_report_downloads(
    county: County, log_in: Any, worker: None, tmp_path: Path, screenshot: Any
):
    bad_id = CHILDREN["李娜"][0]
    upload = tmp_path / "学生.csv"
    upload.write_text(students_csv().replace(f",{bad_id},", ",61080220130611002X,"), "utf-8")
    page = log_in("county_admin")
    page.goto(reverse("import_upload"))
    page.select_option("#id_kind", "students")
    page.set_input_files("#id_file", str(upload))
    page.fill("#id_term", TERM)
    with page.expect_navigation():
        page.click('form[action="/imports/"] button[type="submit"]')
    assert "/jobs/" in page.url
    page.wait_for_selector('#job-state[data-status="done"]', timeout=30_000)
    screenshot("import-with-an-error")
    problems = page.locator("tr.is-error")
    assert problems.count() >= 1 and "身份证号无效" in page.locator("main").inner_text()

    with page.expect_download() as download:
        page.click("a[href$='/issues.xlsx']")
    saved = tmp_path / "issues.xlsx"
    download.value.save_as(saved)
    issues = pl.read_excel(saved, engine="calamine")
    assert set(issues["行 row"]) == {3} and "身份证号" in set(issues["列 column"])
    assert ImportRun.objects.order_by("-pk").first().errors == issues.height  # type: ignore[union-attr]


@pytest.fixture
def aid_county(transactional_db: None, fast_passwords: None, tmp_path: Path) -> AidCounty:
    return build(tmp_path)


def test_a_term_is_computed_as_a_job_and_approved_by_a_second_officer(
    aid_county: AidCounty, log_in: Any, worker: None, screenshot: Any
):
    page = log_in("compiler")
    page.goto(f"{reverse('aid_overview')}?term={AID_TERM}")
    with page.expect_navigation():
        page.click(f'form[action="{reverse("aid_compute", args=[AID_TERM])}"] button')
    page.wait_for_selector('#job-state[data-status="done"]', timeout=30_000)
    screenshot("aid-compute-job")
    assert Entitlement.objects.filter(aid_term__term__code=AID_TERM).exists()

    aid_term = AidTerm.objects.get(term__code=AID_TERM)
    for code in (K1, P1, J1, S1, V1):
        workflow.submit_school_list(
            aid_term=aid_term,
            school=aid_county.school(code),
            notice_start=date(2020, 10, 12),
            acting_user=aid_county.user(f"officer_{code[-1]}"),
        )
    page.goto(f"{reverse('aid_overview')}?term={AID_TERM}")
    with page.expect_navigation():
        page.click(f'form[action="{reverse("aid_compile", args=[AID_TERM])}"] button')
    assert AidTerm.objects.get(term__code=AID_TERM).state == AidTerm.State.COMPILED
    assert page.locator(f'form[action="{reverse("aid_approve", args=[AID_TERM])}"]').count() == 0

    page.context.clear_cookies()
    page = log_in("approver")
    page.goto(f"{reverse('aid_overview')}?term={AID_TERM}")
    with page.expect_navigation():
        page.click(f'form[action="{reverse("aid_approve", args=[AID_TERM])}"] button')
    screenshot("aid-approved")
    assert AidTerm.objects.get(term__code=AID_TERM).state == AidTerm.State.APPROVED
    assert "approver" in page.content()


def test_a_teacher_takes_attendance_on_a_phone(county: County, log_in: Any, screenshot: Any):
    page = log_in("teacher_a")
    page.set_viewport_size(PHONE)
    page.click(f'nav.nav a[href="{reverse("retention_attendance")}"]')
    page.goto(f"{reverse('retention_attendance')}?date=2020-11-02")
    child = county.student("张伟")
    page.click(f"li#s{child.pk} button")
    page.wait_for_selector(f'li#s{child.pk}[data-status="unexcused"]')
    page.click(f"li#s{child.pk} button")
    page.wait_for_selector(f'li#s{child.pk}[data-status="sick"]')
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # the header leaves most of the screen to the class: the navigation is one sideways-scrolling line
    assert page.locator("header.top").bounding_box()["height"] < PHONE["height"] / 4  # type: ignore[index]
    screenshot("attendance-phone")
    assert Absence.objects.get(student=child).status == "sick"
