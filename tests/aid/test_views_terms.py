"""The aid pages of a term: overview and cycle, schools and their lists, explanations, gaps, ledger."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from aid.county import CHILDREN, EXPECTED, J1, K1, P1, S1, TERM, V1, AidCounty, Child, students_csv
from jobs.helpers import finish
from notoneless.aid import workflow
from notoneless.aid.compute import compute_term
from notoneless.aid.models import AidTerm, Entitlement, PaymentBatch, PaymentLine, SchoolList
from notoneless.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

ENTITLED = sum(len(p) for p in EXPECTED.values())
SCHOOLS = (K1, P1, J1, S1, V1)


def zh(message: str) -> str:
    """A message as the page shows it: in Chinese, the default language."""
    with translation.override("zh-hans"):
        return gettext(message)


def html(response) -> str:
    return response.content.decode()


def computed(county: AidCounty) -> AidTerm:
    return compute_term(term_code=TERM, acting_user=county.user("compiler")).aid_term


def submit_all(county: AidCounty, aid_term: AidTerm) -> None:
    for code in SCHOOLS:
        workflow.submit_school_list(
            aid_term=aid_term,
            school=county.school(code),
            notice_start=date(2020, 10, 12),
            acting_user=county.user(f"officer_{code[-1]}"),
        )


def school_list_url(county: AidCounty, code: str) -> str:
    return reverse("aid_school_list", args=[TERM, county.school(code).pk])


def state() -> str:
    return AidTerm.objects.get(term__code=TERM).state


# --- who sees what ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["compiler", "auditor", "officer_1", "clerk"])
def test_the_roles_that_work_with_aid_find_it_in_the_navigation(aid_county, persona):
    response = aid_county.client(persona).get(reverse("overview"))
    assert f'href="{reverse("aid_overview")}"' in html(response)


def test_a_role_that_does_not_work_with_aid_is_refused(aid_county):
    from notoneless.accounts.models import Role, User

    teacher = User.objects.create_user("teacher", role=Role.TEACHER, school=aid_county.school(P1))
    client = Client()
    client.force_login(teacher)

    assert client.get(reverse("aid_overview")).status_code == 403
    assert f'href="{reverse("aid_overview")}"' not in html(client.get(reverse("overview")))


def test_the_aid_pages_need_a_login(aid_county):
    response = Client().get(reverse("aid_overview"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_term_without_a_roster_is_not_found(aid_county):
    client = aid_county.client("compiler")
    assert client.get(reverse("aid_overview"), {"term": "2031-autumn"}).status_code == 404
    assert client.get(reverse("aid_schools", args=["2031-autumn"])).status_code == 404


def test_the_aid_officer_is_offered_compute_and_the_auditor_is_not(aid_county):
    compute_url = reverse("aid_compute", args=[TERM])

    assert compute_url in html(aid_county.client("compiler").get(reverse("aid_overview")))
    assert compute_url not in html(aid_county.client("auditor").get(reverse("aid_overview")))
    assert compute_url not in html(aid_county.client("officer_2").get(reverse("aid_overview")))


# --- compute and the cycle -------------------------------------------------------------------------


def test_compute_via_the_page_writes_the_entitlements_and_shows_the_counts(aid_county):
    client = aid_county.client("compiler")
    response = finish(client, client.post(reverse("aid_compute", args=[TERM])))

    assert response.status_code == 200
    assert Entitlement.objects.filter(term__code=TERM).count() == ENTITLED
    assert f'<dd class="num">{ENTITLED}</dd>' in html(response)  # added
    assert "学前教育家庭经济困难幼儿生活补助" in html(response)


def test_computing_again_after_a_register_change_shows_what_changed_and_why(aid_county):
    computed(aid_county)
    changed = dict(CHILDREN)
    changed["丁小学"] = Child("041", "20100808", P1, "四年级", boarder=False, hardship="困难")
    aid_county.import_csv("students", students_csv(changed))

    client = aid_county.client("compiler")
    response = finish(client, client.post(reverse("aid_compute", args=[TERM])))

    page = html(response)
    assert response.status_code == 200
    assert "丁小学" in page
    assert "义务教育家庭经济困难寄宿生生活补助" in page
    assert f"{zh('boarder')}: {zh('yes')} → {zh('no')}" in page  # the reason


def test_the_overview_shows_the_totals_in_yuan_and_ten_thousand_yuan(aid_county):
    computed(aid_county)

    page = html(aid_county.client("compiler").get(reverse("aid_overview"), {"term": TERM}))

    assert "9,125.00" in page and "0.91" in page  # total: 元 and 万元
    assert "5,125.00" in page  # to families
    assert "4,000.00" in page  # to schools
    assert "雨露计划职业教育补助" in page  # another agency's, listed apart


def test_the_auditor_reads_the_overview_but_cannot_compute(aid_county):
    client = aid_county.client("auditor")
    assert client.get(reverse("aid_overview")).status_code == 200

    response = client.post(reverse("aid_compute", args=[TERM]))

    assert response.status_code == 403
    assert zh("Only the county aid office may do this.") in html(response)
    assert not Entitlement.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(aid_county):
    client = Client(enforce_csrf_checks=True)
    client.force_login(aid_county.user("compiler"))

    assert client.post(reverse("aid_compute", args=[TERM])).status_code == 403
    assert not Entitlement.objects.exists()


def test_compile_and_approve_via_the_pages(aid_county):
    submit_all(aid_county, computed(aid_county))

    response = aid_county.client("compiler").post(reverse("aid_compile", args=[TERM]))
    assert response.status_code == 302
    assert state() == AidTerm.State.COMPILED

    response = aid_county.client("approver").post(reverse("aid_approve", args=[TERM]), follow=True)
    assert response.status_code == 200
    assert state() == AidTerm.State.APPROVED
    assert zh("Approved: the term is frozen.") in html(response)
    assert "approver" in html(response)  # who approved


def test_the_compiler_may_not_approve_and_is_told_why(aid_county):
    submit_all(aid_county, computed(aid_county))
    client = aid_county.client("compiler")
    client.post(reverse("aid_compile", args=[TERM]))

    response = client.post(reverse("aid_approve", args=[TERM]))

    assert response.status_code == 400
    assert zh("The person who compiled the term may not approve it.") in html(response)
    assert state() == AidTerm.State.COMPILED


def test_compiling_before_every_list_is_in_is_refused_with_the_schools_named(aid_county):
    computed(aid_county)

    response = aid_county.client("compiler").post(reverse("aid_compile", args=[TERM]))

    assert response.status_code == 400
    assert "鱼河镇中心幼儿园" in html(response)
    assert state() == AidTerm.State.OPEN


def test_a_compiled_term_can_be_reopened(aid_county):
    submit_all(aid_county, computed(aid_county))
    aid_county.client("compiler").post(reverse("aid_compile", args=[TERM]))

    response = aid_county.client("approver").post(reverse("aid_reopen", args=[TERM]))

    assert response.status_code == 302
    assert state() == AidTerm.State.OPEN


def test_compiling_a_term_never_computed_is_refused_not_an_error(aid_county):
    response = aid_county.client("compiler").post(reverse("aid_compile", args=[TERM]))

    assert response.status_code == 400
    assert zh("The term has not been computed yet.") in html(response)


def test_a_school_officer_cannot_approve(aid_county):
    submit_all(aid_county, computed(aid_county))
    aid_county.client("compiler").post(reverse("aid_compile", args=[TERM]))

    response = aid_county.client("officer_1").post(reverse("aid_approve", args=[TERM]))

    assert response.status_code == 403
    assert state() == AidTerm.State.COMPILED


# --- schools and lists -----------------------------------------------------------------------------


def test_the_schools_page_shows_each_schools_count_amount_and_list(aid_county):
    submit_all(aid_county, computed(aid_county))

    page = html(aid_county.client("compiler").get(reverse("aid_schools", args=[TERM])))

    for name in ("鱼河镇中心幼儿园", "鱼河镇中心小学", "榆阳区职业中学"):
        assert name in page
    assert "2020-10-12" in page  # notice start
    assert "3,000.00" in page  # 榆阳区职业中学: 1,000 + 1,000 + 1,000 (雨露 is recorded only)


def test_a_school_officer_sees_only_their_school_in_the_term(aid_county):
    computed(aid_county)

    page = html(aid_county.client("officer_2").get(reverse("aid_schools", args=[TERM])))

    assert "鱼河镇中心小学" in page
    assert "鱼河镇初级中学" not in page


def test_a_school_officer_sees_their_list(aid_county):
    computed(aid_county)

    response = aid_county.client("officer_2").get(school_list_url(aid_county, P1))

    page = html(response)
    assert response.status_code == 200
    assert "丁小学" in page and "戊小学" in page
    assert "义务教育家庭经济困难寄宿生生活补助" in page
    assert "500.00" in page
    assert reverse("aid_submit_list", args=[TERM, aid_county.school(P1).pk]) in page


def test_a_school_officer_cannot_see_another_schools_list(aid_county):
    computed(aid_county)

    response = aid_county.client("officer_2").get(school_list_url(aid_county, J1))

    assert response.status_code == 404


def test_a_list_shows_masked_numbers_only(aid_county):
    computed(aid_county)

    page = html(aid_county.client("compiler").get(school_list_url(aid_county, V1)))

    assert "癸中职" in page
    for child in CHILDREN.values():
        assert child.id_number not in page


def test_a_list_page_runs_a_fixed_number_of_queries(aid_county, django_assert_max_num_queries):
    computed(aid_county)
    client = aid_county.client("officer_2")
    url = school_list_url(aid_county, P1)

    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200


def test_the_submit_form_offers_today_as_the_notice_date(aid_county):
    computed(aid_county)

    page = html(aid_county.client("officer_2").get(school_list_url(aid_county, P1)))

    assert f'value="{timezone.localdate().isoformat()}"' in page


def test_a_school_officer_submits_the_list_with_the_notice_date(aid_county):
    computed(aid_county)
    url = reverse("aid_submit_list", args=[TERM, aid_county.school(P1).pk])

    response = aid_county.client("officer_2").post(url, {"notice_start": "2020-10-12"}, follow=True)

    listing = SchoolList.objects.get(school__code=P1)
    assert response.status_code == 200
    assert listing.state == SchoolList.State.SUBMITTED
    assert listing.notice_start == date(2020, 10, 12)
    assert listing.submitted_by == aid_county.user("officer_2")
    assert "2020-10-12" in html(response)


def test_a_school_officer_cannot_submit_another_schools_list(aid_county):
    computed(aid_county)
    url = reverse("aid_submit_list", args=[TERM, aid_county.school(P1).pk])

    response = aid_county.client("officer_3").post(url, {"notice_start": "2020-10-12"})

    assert response.status_code == 404
    assert not SchoolList.objects.exists()


def test_submitting_without_a_date_asks_for_it(aid_county):
    computed(aid_county)
    url = reverse("aid_submit_list", args=[TERM, aid_county.school(P1).pk])

    response = aid_county.client("officer_2").post(url, {"notice_start": ""})

    assert response.status_code == 400
    assert not SchoolList.objects.exists()


def test_submitting_a_list_of_a_compiled_term_is_refused_with_the_reason(aid_county):
    aid_term = computed(aid_county)
    submit_all(aid_county, aid_term)
    workflow.compile_term(aid_term=aid_term, acting_user=aid_county.user("compiler"))
    url = reverse("aid_submit_list", args=[TERM, aid_county.school(P1).pk])

    response = aid_county.client("officer_2").post(url, {"notice_start": "2020-10-20"})

    assert response.status_code == 400
    assert zh("The term is already compiled; ask the county to reopen it.") in html(response)


def test_the_aid_officer_returns_a_list_with_a_note(aid_county):
    submit_all(aid_county, computed(aid_county))
    url = reverse("aid_return_list", args=[TERM, aid_county.school(P1).pk])

    response = aid_county.client("compiler").post(url, {"note": "丁小学 不是寄宿生，请核对"})

    listing = SchoolList.objects.get(school__code=P1)
    assert response.status_code == 302
    assert listing.state == SchoolList.State.RETURNED
    assert "请核对" in html(aid_county.client("officer_2").get(school_list_url(aid_county, P1)))


def test_a_school_officer_cannot_return_a_list(aid_county):
    submit_all(aid_county, computed(aid_county))
    url = reverse("aid_return_list", args=[TERM, aid_county.school(P1).pk])

    response = aid_county.client("officer_2").post(url, {"note": "x"})

    assert response.status_code == 403
    assert SchoolList.objects.get(school__code=P1).state == SchoolList.State.SUBMITTED


# --- explain and gaps ------------------------------------------------------------------------------


def test_the_explanation_says_why_an_urban_dibao_student_gets_no_non_boarding_subsidy(aid_county):
    computed(aid_county)
    student = aid_county.student("己初中")

    response = aid_county.client("compiler").get(reverse("aid_explain", args=[TERM, student.pk]))

    page = html(response)
    assert response.status_code == 200
    row = page.split("义务教育家庭经济困难非寄宿生生活补助", 1)[1].split("</tr>", 1)[0]
    assert zh("no") in row
    assert "农村" in row
    assert "城市低保" in page  # the facts


def test_a_school_officer_cannot_explain_a_student_of_another_school(aid_county):
    student = aid_county.student("己初中")

    response = aid_county.client("officer_1").get(reverse("aid_explain", args=[TERM, student.pk]))

    assert response.status_code == 404


def test_gaps_before_submission_say_the_list_is_not_submitted_and_the_card_is_missing(aid_county):
    computed(aid_county)

    page = html(aid_county.client("compiler").get(reverse("aid_gaps", args=[TERM])))

    assert zh("school list not yet submitted") in page
    blocked = page.split("戊小学", 1)[1].split("</tr>", 1)[0]
    assert zh("no usable bank account") in blocked


def test_gaps_after_approval_leave_only_what_blocks_payment(aid_county):
    aid_term = computed(aid_county)
    submit_all(aid_county, aid_term)
    workflow.compile_term(aid_term=aid_term, acting_user=aid_county.user("compiler"))
    workflow.approve_term(aid_term=aid_term, acting_user=aid_county.user("approver"))

    page = html(aid_county.client("auditor").get(reverse("aid_gaps", args=[TERM])))

    assert zh("school list not yet submitted") not in page
    assert zh("no usable bank account") in page.split("戊小学", 1)[1].split("</tr>", 1)[0]


def test_a_refusal_a_page_does_not_expect_is_shown_not_raised(aid_county, monkeypatch):
    from notoneless.aid import selectors
    from notoneless.aid.errors import AidRefused

    def refuse(*args, **kwargs):
        raise AidRefused("不能这样做")

    monkeypatch.setattr(selectors, "gaps", refuse)

    response = aid_county.client("compiler").get(reverse("aid_gaps", args=[TERM]))

    assert response.status_code == 400
    assert "不能这样做" in html(response)


def test_gaps_are_scoped_to_the_school_officers_school(aid_county):
    computed(aid_county)

    page = html(aid_county.client("officer_1").get(reverse("aid_gaps", args=[TERM])))

    assert "乙幼儿" in page
    assert "戊小学" not in page


# --- ledger ----------------------------------------------------------------------------------------


def ledger_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_ledger_csv_has_a_row_per_entitlement_and_no_full_ids(aid_county):
    computed(aid_county)

    response = aid_county.client("auditor").get(reverse("aid_ledger_csv"), {"term": TERM})

    rows = ledger_rows(response)
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == 1 + ENTITLED
    text = "\n".join(",".join(r) for r in rows)
    assert "癸中职" in text and "1000.00" in text
    for child in CHILDREN.values():
        assert child.id_number not in text


def test_the_ledger_filters_by_stage(aid_county):
    computed(aid_county)

    response = aid_county.client("compiler").get(
        reverse("aid_ledger_csv"), {"term": TERM, "stage": "preschool"}
    )

    rows = ledger_rows(response)[1:]
    assert len(rows) == sum(len(EXPECTED[n]) for n in ("甲幼儿", "乙幼儿", "丙幼儿"))


def test_the_ledger_is_scoped_to_the_school_officers_school(aid_county):
    computed(aid_county)

    rows = ledger_rows(aid_county.client("officer_2").get(reverse("aid_ledger_csv")))[1:]

    assert {r[3] for r in rows} == {"丁小学", "戊小学"}


def test_the_ledger_shows_the_batch_and_paid_date_of_a_payment(aid_county):
    aid_term = computed(aid_county)
    entitlement = Entitlement.objects.get(student__person__name="丁小学")
    batch = PaymentBatch.objects.create(
        aid_term=aid_term,
        number="2020Q-F-001",
        payee="family",
        created_by=aid_county.user("exporter"),
        created_at=timezone.now(),
    )
    PaymentLine.objects.create(
        batch=batch,
        line_no=1,
        entitlement=entitlement,
        amount_fen=entitlement.amount_fen,
        holder_name="丁家长",
        bank_name="中国农业银行",
        status=PaymentLine.Status.PAID,
        paid_on=date(2020, 11, 30),
    )

    page = html(aid_county.client("compiler").get(reverse("aid_ledger"), {"term": TERM}))
    rows = ledger_rows(aid_county.client("compiler").get(reverse("aid_ledger_csv")))

    assert "2020Q-F-001" in page and "2020-11-30" in page
    paid = next(r for r in rows if r[3] == "丁小学")
    assert paid[11] == "2020Q-F-001" and paid[13] == "2020-11-30"


def test_the_ledger_downloads_as_a_workbook(aid_county):
    import openpyxl

    computed(aid_county)

    response = aid_county.client("compiler").get(reverse("aid_ledger_xlsx"), {"term": TERM})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + ENTITLED
    values = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert "癸中职" in values
    assert not any(child.id_number in v for v in values for child in CHILDREN.values())
    entry = AuditEntry.objects.get(action="export.aid_ledger")
    assert (entry.username, entry.detail) == (
        "compiler",
        {"filters": {"term": TERM}, "rows": ENTITLED},
    )


def test_the_ledger_page_runs_a_fixed_number_of_queries(aid_county, django_assert_max_num_queries):
    computed(aid_county)
    client = aid_county.client("compiler")

    with django_assert_max_num_queries(12):
        assert client.get(reverse("aid_ledger")).status_code == 200


def test_only_a_second_person_is_offered_the_approval(aid_county):
    submit_all(aid_county, computed(aid_county))
    aid_county.client("compiler").post(reverse("aid_compile", args=[TERM]))
    approve = reverse("aid_approve", args=[TERM])
    overview = f"{reverse('aid_overview')}?term={TERM}"
    assert approve not in html(aid_county.client("compiler").get(overview))
    assert approve in html(aid_county.client("approver").get(overview))
