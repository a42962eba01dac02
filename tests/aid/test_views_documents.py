"""The printed documents' pages: a school's notice (page and PDF), the households' policy cards (page and
PDF), and the aid office they print."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from aid.county import CHILDREN, S1, TERM, V1, AidCounty, card_number
from notoneless.accounts.models import Role, User
from notoneless.aid.compute import compute_term
from notoneless.aid.models import AidOffice
from notoneless.aid.selectors import aid_term_for
from notoneless.aid.workflow import submit_school_list
from notoneless.audit.models import AuditEntry
from notoneless.registry.models import Division

pytestmark = pytest.mark.django_db

POSTED = date(2020, 9, 28)
VILLAGE = "610802100201"
S1_CHILDREN = [name for name, child in CHILDREN.items() if child.school == S1]


@pytest.fixture
def county(aid_county: AidCounty) -> AidCounty:
    """The term computed, and the senior and vocational schools' lists submitted on 28 September."""
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    for school, officer in ((S1, "officer_4"), (V1, "officer_5")):
        submit_school_list(
            aid_term=aid_term_for(TERM),
            school=aid_county.school(school),
            notice_start=POSTED,
            acting_user=aid_county.user(officer),
        )
    return aid_county


def html(response) -> str:
    return response.content.decode()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def notice_url(county: AidCounty, name: str = "aid_notice", code: str = S1) -> str:
    return reverse(name, args=[TERM, county.school(code).pk])


def identifiers() -> list[str]:
    """What a document on a wall must never show: ID and student numbers, bank cards."""
    numbers = []
    for child in CHILDREN.values():
        numbers += [child.id_number, f"G{child.id_number}", child.id_number[-6:]]
    return numbers + [card_number(i) for i in range(len(CHILDREN))]


def township_officer() -> Client:
    township = Division.objects.get(level=Division.Level.TOWNSHIP)
    user = User.objects.create_user("town", role=Role.TOWNSHIP_OFFICER, township=township)
    client = Client()
    client.force_login(user)
    return client


# --- the notice ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer_4", "compiler"])
def test_the_notice_page_lists_the_schools_students_without_any_identifier(county, persona):
    response = county.client(persona).get(notice_url(county))

    page = html(response)
    assert response.status_code == 200
    assert "榆阳区第一高级中学2020年秋季学期学生资助公示" in page
    for name in S1_CHILDREN:
        assert name in page
    assert [n for n in identifiers() if n in page] == []


def test_the_notice_pdf_downloads_with_its_name_and_is_audited(county):
    response = county.client("officer_4").get(notice_url(county, "aid_notice_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "2020-autumn" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "辛高中" in text
    assert [n for n in identifiers() if n in text] == []
    entry = AuditEntry.objects.get(action="aid.notice.print")
    assert entry.user == county.user("officer_4")
    assert entry.detail["school"] == S1


def test_the_school_list_links_its_notice(county):
    page = html(
        county.client("officer_4").get(
            reverse("aid_school_list", args=[TERM, county.school(S1).pk])
        )
    )

    assert notice_url(county) in page
    assert notice_url(county, "aid_notice_pdf") in page


def test_another_schools_officer_cannot_print_the_notice(county):
    client = county.client("officer_1")

    assert client.get(notice_url(county)).status_code == 404
    assert client.get(notice_url(county, "aid_notice_pdf")).status_code == 404
    assert not AuditEntry.objects.filter(action="aid.notice.print").exists()


def test_a_notice_of_a_term_not_computed_is_refused_not_an_error(aid_county):
    response = aid_county.client("compiler").get(notice_url(aid_county))

    assert response.status_code == 400
    assert 'role="alert"' in html(response)


# --- the policy cards ------------------------------------------------------------------------------


def test_the_cards_page_offers_the_villages(county):
    response = county.client("compiler").get(reverse("aid_cards", args=[TERM]))

    assert response.status_code == 200
    assert f'value="{VILLAGE}"' in html(response)
    assert "鱼河镇鱼河村" in html(response)


def test_the_cards_of_h002s_village_print_as_a_page(county):
    response = county.client("compiler").get(
        reverse("aid_cards_print", args=[TERM]), {"village": VILLAGE}
    )

    page = html(response)
    assert response.status_code == 200
    for household, child in (("H001", "乙幼儿"), ("H002", "辛高中"), ("H003", "丑中职")):
        assert f"户主{household}" in page and child in page
    assert [n for n in identifiers() if n in page] == []


def test_the_cards_pdf_is_audited_with_the_households(county):
    response = county.client("compiler").get(
        reverse("aid_cards_pdf", args=[TERM]), {"village": VILLAGE}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "辛高中" in pdf_text(response.content)
    entry = AuditEntry.objects.get(action="aid.cards.print")
    assert entry.detail["households"] == ["H001", "H002", "H003"]
    assert entry.detail["village"] == VILLAGE


def test_one_household_is_printed_by_its_number(county):
    response = county.client("compiler").get(
        reverse("aid_cards_print", args=[TERM]), {"households": "H002"}
    )

    page = html(response)
    assert "户主H002" in page and "辛高中" in page
    assert "户主H001" not in page


def test_an_unknown_household_is_refused_with_the_reason(county):
    response = county.client("compiler").get(
        reverse("aid_cards_pdf", args=[TERM]), {"households": "H999"}
    )

    assert response.status_code == 400
    assert "H999" in html(response)
    assert not AuditEntry.objects.filter(action="aid.cards.print").exists()


def test_cards_need_a_village_or_a_household(county):
    response = county.client("compiler").get(
        reverse("aid_cards_print", args=[TERM]), {"village": ""}
    )

    assert response.status_code == 400


def test_a_township_officer_prints_the_cards_of_the_township(county):
    client = township_officer()

    assert client.get(reverse("aid_cards", args=[TERM])).status_code == 200
    response = client.get(reverse("aid_cards_print", args=[TERM]), {"village": VILLAGE})

    assert response.status_code == 200
    assert "户主H002" in html(response)


def test_a_school_officer_prints_no_cards(county):
    client = county.client("officer_4")

    assert client.get(reverse("aid_cards", args=[TERM])).status_code == 403
    response = client.get(reverse("aid_cards_pdf", args=[TERM]), {"households": "H002"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="aid.cards.print").exists()


# --- the aid office --------------------------------------------------------------------------------


def test_the_aid_officer_sets_the_aid_office_and_the_notice_prints_its_phone(county):
    client = county.client("compiler")
    office = {
        "name": "榆阳区学生资助管理中心",
        "phone": "0912-3456789",
        "address": "榆阳区新建路1号",
    }

    response = client.post(reverse("aid_office"), office)

    assert response.status_code == 302
    saved = AidOffice.objects.get()
    assert (saved.name, saved.phone, saved.address) == tuple(office.values())
    assert AuditEntry.objects.filter(action="aid.office.set").count() == 1
    assert "0912-3456789" in html(client.get(notice_url(county)))


def test_a_phone_that_is_not_a_number_is_refused(county):
    response = county.client("compiler").post(
        reverse("aid_office"), {"name": "资助中心", "phone": "call us"}
    )

    assert response.status_code == 400
    assert not AidOffice.objects.exists()


def test_the_auditor_reads_the_documents_but_may_not_set_the_aid_office(county):
    client = county.client("auditor")

    assert client.get(reverse("aid_office")).status_code == 200
    assert 'name="phone"' not in html(client.get(reverse("aid_office")))
    assert client.get(notice_url(county)).status_code == 200
    response = client.post(reverse("aid_office"), {"name": "资助中心", "phone": "0912-1"})

    assert response.status_code == 403
    assert not AidOffice.objects.exists()


def test_a_school_officer_has_no_aid_office_page(county):
    assert county.client("officer_4").get(reverse("aid_office")).status_code == 403


# --- links -----------------------------------------------------------------------------------------


def test_the_student_record_links_the_aid_explanation_for_those_who_read_aid(county):
    student = county.student("辛高中")
    explain = reverse("aid_explain", args=[TERM, student.pk])
    teacher = User.objects.create_user("teacher_4", role=Role.TEACHER, school=county.school(S1))
    client = Client()
    client.force_login(teacher)

    assert explain in html(
        county.client("officer_4").get(reverse("student_detail", args=[student.pk]))
    )
    assert explain not in html(client.get(reverse("student_detail", args=[student.pk])))
