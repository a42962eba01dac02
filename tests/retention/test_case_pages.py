"""The case pages: dashboard, ledgers, a case worked through its steps to an outcome, the notice."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from notoneless.audit.models import AuditEntry
from notoneless.retention.casework import record_step
from notoneless.retention.models import Case, CaseStep
from retention.cases import SCAN_DAY, open_case
from web.county import SCHOOL_B, County

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_open_cases_for_the_county_admin(county: County, tmp_path: Path):
    open_case(county, tmp_path)
    response = county.client("county_admin").get(reverse("retention_dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="suspected">1<' in html
    assert "鱼河镇" in html
    assert "As of 2020-11-30" in html or "截至 2020-11-30" in html or "2020-11-30" in html


def test_the_aid_officer_has_no_dropout_pages(county: County):
    response = county.client("aid_officer").get(reverse("retention_dashboard"))
    assert response.status_code == 403


def test_a_school_officer_of_another_school_does_not_find_the_case(county: County, tmp_path: Path):
    case = open_case(county, tmp_path)
    url = reverse("retention_case", args=[case.pk])
    assert county.client("officer_b").get(url).status_code == 404
    assert county.client("officer_a").get(url).status_code == 200
    assert county.client("township_a").get(url).status_code == 200
    listing = county.client("officer_b").get(reverse("retention_cases")).content.decode()
    assert "张伟" not in listing


def test_a_case_is_worked_through_its_steps_and_closed_in_the_pages(county: County, tmp_path: Path):
    case = open_case(county, tmp_path)
    client = county.client("officer_a")
    step_url = reverse("retention_step", args=[case.pk, CaseStep.Kind.HOME_VISIT])
    response = client.post(
        step_url,
        {"done_on": "2020-11-30", "performed_by": "班主任 李老师", "notes": "孩子在家"},
        follow=True,
    )
    assert response.status_code == 200
    assert case.steps.get(kind="home_visit").done_on == SCAN_DAY

    refused = client.post(
        reverse("retention_close", args=[case.pk]),
        {"outcome": "transferred", "closed_on": "2020-12-03"},
        follow=True,
    )
    assert "转入学校" in refused.content.decode()
    case.refresh_from_db()
    assert case.is_open

    school_b = county.school(SCHOOL_B)
    client.post(
        reverse("retention_close", args=[case.pk]),
        {"outcome": "transferred", "closed_on": "2020-12-03", "receiving_school": school_b.pk},
    )
    case.refresh_from_db()
    assert (case.status, case.receiving_school) == (Case.Status.CLOSED, school_b)
    page = client.get(reverse("retention_case", args=[case.pk])).content.decode()
    assert 'data-outcome="transferred"' in page and "上盐湾镇中心小学" in page


def test_a_bad_date_in_a_step_form_is_a_message_not_an_error(county: County, tmp_path: Path):
    case = open_case(county, tmp_path)
    response = county.client("officer_a").post(
        reverse("retention_step", args=[case.pk, "home_visit"]),
        {"done_on": "30/11/2020", "performed_by": "x"},
        follow=True,
    )
    assert response.status_code == 200
    assert not case.steps.filter(done_on__isnull=False).exists()
    assert 'role="alert"' in response.content.decode()


def test_the_return_notice_names_the_child_the_school_and_the_deadline(
    county: County, tmp_path: Path
):
    case = open_case(county, tmp_path)
    record_step(
        case=case,
        kind=CaseStep.Kind.NOTICE,
        done_on=date(2020, 12, 10),
        performed_by="鱼河镇政府",
        notes="",
        acting_user=county.user("township_a"),
        return_by=date(2020, 12, 17),
    )
    response = county.client("township_a").get(reverse("retention_notice", args=[case.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = text.replace(" ", "").replace("\n", "")
    assert "限期返校通知书" in text
    assert "张伟" in text and "鱼河镇中心小学" in text and "二年级" in text
    assert "2020年12月17日前" in text and "家长0" in text
    assert AuditEntry.objects.filter(action="retention.notice", object_id=str(case.pk)).exists()


def test_the_auditor_may_not_print_a_notice(county: County, tmp_path: Path):
    case = open_case(county, tmp_path)
    response = county.client("auditor").get(reverse("retention_notice", args=[case.pk]))
    assert response.status_code == 403


def test_the_navigation_offers_dropout_control_and_attendance_to_the_roles_that_use_them(
    county: County,
):
    from notoneless.web.nav import navigation

    def keys(persona: str) -> set[str]:
        return {item.key for item in navigation(county.user(persona))}

    assert {"retention", "attendance"} <= keys("teacher_a")
    assert "retention" in keys("township_a") and "attendance" not in keys("township_a")
    assert "retention" not in keys("aid_officer")
