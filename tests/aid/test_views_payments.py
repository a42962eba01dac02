"""The payment pages: batches of a term, one batch, the bank file, the bank's return file, school accounts.

The term is approved through the real actions (``test_payments.approved_term``); ``exporter`` is the third
person who may send the money, ``compiler`` and ``approver`` may not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from aid.county import CHILDREN, K1, S1, TERM, AidCounty, card_number
from aid.test_payments import approved_term, expected, file_table, return_file, school_accounts
from notoneless.aid.bankfiles import Problem
from notoneless.aid.models import PaymentBatch, PaymentLine, SchoolAccount
from notoneless.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

FAMILY_BATCH = f"{TERM}-F-001"


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def html(response) -> str:
    return response.content.decode()


def payments_url() -> str:
    return reverse("aid_payments", args=[TERM])


def batch_url(name: str, number: str = FAMILY_BATCH) -> str:
    return reverse(name, args=[TERM, number])


def create_family_batch(county: AidCounty) -> PaymentBatch:
    """Approve the term, then create the family batch through the page."""
    approved_term(county)
    response = county.client("compiler").post(
        reverse("aid_batch_create", args=[TERM]), {"payee": "family"}
    )
    assert response.status_code == 302
    assert response["Location"] == batch_url("aid_batch")
    return PaymentBatch.objects.get(number=FAMILY_BATCH)


def export(county: AidCounty, persona: str = "exporter", fmt: str = "csv"):
    return county.client(persona).post(batch_url("aid_batch_export"), {"fmt": fmt})


def upload(county: AidCounty, path: Path, persona: str = "compiler", *, follow: bool = False):
    with path.open("rb") as f:
        return county.client(persona).post(
            batch_url("aid_batch_return"), {"file": f}, follow=follow
        )


def statuses(batch: PaymentBatch) -> set[str]:
    return set(batch.lines.values_list("status", flat=True))


# --- batches of the term ---------------------------------------------------------------------------


def test_a_batch_created_through_the_page_is_listed_with_its_lines_and_total(aid_county):
    batch = create_family_batch(aid_county)

    page = html(aid_county.client("compiler").get(payments_url()))

    assert batch.lines.count() == len(expected("family"))
    row = page.split(FAMILY_BATCH, 2)[2].split("</tr>", 1)[0]
    assert f">{len(expected('family'))}<" in row
    assert f"{sum(expected('family').values()) / 100:,.2f}" in row
    assert "compiler" in row


def test_the_payments_page_lists_who_is_entitled_without_a_usable_account(aid_county):
    create_family_batch(aid_county)

    page = html(aid_county.client("compiler").get(payments_url()))

    without = page.split('id="without-account"', 1)[1].split('id="awaiting-correction"', 1)[0]
    assert "戊小学" in without  # no bank card
    assert "癸中职" in without  # the vocational school has no account for its waiver
    for i in range(len(CHILDREN)):
        assert card_number(i) not in page


def test_a_term_not_yet_approved_offers_no_batch(aid_county):
    from notoneless.aid.compute import compute_term

    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    client = aid_county.client("compiler")

    assert reverse("aid_batch_create", args=[TERM]) not in html(client.get(payments_url()))
    response = client.post(reverse("aid_batch_create", args=[TERM]), {"payee": "family"})

    assert response.status_code == 400
    assert '<div class="error" role="alert">' in html(response)
    assert not PaymentBatch.objects.exists()


# --- one batch -------------------------------------------------------------------------------------


def test_the_batch_page_shows_masked_card_numbers_only(aid_county):
    create_family_batch(aid_county)

    page = html(aid_county.client("auditor").get(batch_url("aid_batch")))

    assert "丁小学" in page and "丁家长" in page
    assert "*" in PaymentLine.objects.first().card_number_masked
    assert PaymentLine.objects.first().card_number_masked in page
    for i in range(len(CHILDREN)):
        assert card_number(i) not in page
    for child in CHILDREN.values():
        assert child.id_number not in page


def test_the_batch_page_runs_a_fixed_number_of_queries(aid_county, django_assert_max_num_queries):
    create_family_batch(aid_county)
    school_accounts(aid_county, K1, S1)
    aid_county.client("compiler").post(
        reverse("aid_batch_create", args=[TERM]), {"payee": "school"}
    )
    client = aid_county.client("compiler")

    for number in (FAMILY_BATCH, f"{TERM}-S-001"):  # 10 lines and 2: the same count
        with django_assert_max_num_queries(10):
            assert client.get(batch_url("aid_batch", number)).status_code == 200


def test_a_batch_not_of_the_term_is_not_found(aid_county):
    create_family_batch(aid_county)
    client = aid_county.client("compiler")

    assert client.get(batch_url("aid_batch", f"{TERM}-F-009")).status_code == 404
    other = reverse("aid_batch", args=["2020-spring", FAMILY_BATCH])
    assert client.get(other).status_code == 404


# --- the bank file ---------------------------------------------------------------------------------


def test_the_exporter_downloads_the_bank_file_whose_rows_are_the_batchs_lines(aid_county, tmp_path):
    batch = create_family_batch(aid_county)

    response = export(aid_county)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{FAMILY_BATCH}.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = file_table(response.content, tmp_path, "csv")
    assert sorted((r["学生姓名"], r["金额"]) for r in rows) == sorted(
        (name, f"{fen / 100:.2f}") for (name, _program), fen in expected("family").items()
    )
    assert rows[0]["卡号"] == card_number(list(CHILDREN).index(rows[0]["学生姓名"]))
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.EXPORTED
    assert batch.exported_by == aid_county.user("exporter")


def test_the_bank_file_downloads_as_a_workbook(aid_county, tmp_path):
    create_family_batch(aid_county)

    response = export(aid_county, fmt="xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(file_table(response.content, tmp_path, "xlsx")) == len(expected("family"))


@pytest.mark.parametrize("persona", ["compiler", "approver"])
def test_the_compiler_and_the_approver_are_refused_the_export_and_get_no_file(aid_county, persona):
    batch = create_family_batch(aid_county)

    response = export(aid_county, persona)

    assert response.status_code == 400
    assert "Content-Disposition" not in response
    wanted = {
        "compiler": "The person who compiled the term may not export its payments.",
        "approver": "The person who approved the term may not export its payments.",
    }[persona]
    assert zh(wanted) in html(response)
    for i in range(len(CHILDREN)):
        assert card_number(i) not in html(response)
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.DRAFT
    assert not AuditEntry.objects.filter(action="aid.payment.export").exists()


def test_an_exported_batch_downloads_the_identical_file_again(aid_county):
    create_family_batch(aid_county)
    first = export(aid_county)
    page = html(aid_county.client("exporter").get(batch_url("aid_batch")))
    assert 'name="fmt" value="csv"' in page  # the re-download names the format exported

    again = export(aid_county, fmt="csv")

    assert again.status_code == 200
    assert again.content == first.content
    assert AuditEntry.objects.filter(action="aid.payment.export").count() == 2


def test_a_draft_batch_is_discarded_through_the_page(aid_county):
    create_family_batch(aid_county)

    response = aid_county.client("compiler").post(batch_url("aid_batch_discard"))

    assert response.status_code == 302
    assert not PaymentBatch.objects.exists()
    assert not PaymentLine.objects.exists()


def test_an_exported_batch_cannot_be_discarded(aid_county):
    create_family_batch(aid_county)
    export(aid_county)

    response = aid_county.client("compiler").post(batch_url("aid_batch_discard"))

    assert response.status_code == 400
    assert PaymentBatch.objects.count() == 1


# --- the bank's return file ------------------------------------------------------------------------


def test_the_return_file_uploaded_marks_the_lines_paid(aid_county, tmp_path):
    batch = create_family_batch(aid_county)
    sent = file_table(export(aid_county).content, tmp_path, "csv")

    response = upload(aid_county, return_file(tmp_path, batch, sent), follow=True)

    assert response.redirect_chain == [(batch_url("aid_batch"), 302)]
    assert statuses(batch) == {PaymentLine.Status.PAID}
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.RECONCILED
    assert "回盘.csv" in html(response) and "2020-10-23" in html(response)


def test_a_bad_return_file_shows_each_problem_located_and_changes_nothing(aid_county, tmp_path):
    batch = create_family_batch(aid_county)
    sent = file_table(export(aid_county).content, tmp_path, "csv")
    sent[1] = {**sent[1], "金额": "1.00"}  # not what was sent

    response = upload(aid_county, return_file(tmp_path, batch, sent, name="坏回盘.csv"))

    problems = html(response).split('class="aid-problems"', 1)[1].split("</ul>", 1)[0]
    with translation.override("zh-hans"):
        where = Problem(row=3, column="金额", message="").located("坏回盘.csv")
    assert response.status_code == 400
    assert where in problems  # the second row of money is row 3 of the file
    assert "375.00" in problems
    assert statuses(batch) == {PaymentLine.Status.PENDING}
    assert not AuditEntry.objects.filter(action="aid.payment.reconcile").exists()


def test_a_return_file_that_is_not_a_table_is_refused_by_the_form(aid_county, tmp_path):
    batch = create_family_batch(aid_county)
    export(aid_county)
    path = tmp_path / "note.txt"
    path.write_text("hello")

    response = upload(aid_county, path)

    assert response.status_code == 400
    assert statuses(batch) == {PaymentLine.Status.PENDING}


# --- school accounts -------------------------------------------------------------------------------


def test_the_aid_officer_records_a_schools_account_and_sees_it_masked(aid_county):
    approved_term(aid_county)
    school = aid_county.school(S1)
    url = reverse("aid_school_account_set", args=[TERM, school.pk])
    prefix = f"s{school.pk}-"

    response = aid_county.client("compiler").post(
        url,
        {
            f"{prefix}bank_name": "中国建设银行榆林分行",
            f"{prefix}account_name": school.name,
            f"{prefix}account_number": "6105 0170 0000 0012",
        },
        follow=True,
    )

    account = SchoolAccount.objects.get(school=school)
    assert response.status_code == 200
    assert account.account_number_masked in html(response)
    assert "6105017000000012" not in html(response)


def test_a_bad_account_number_is_refused_with_the_reason(aid_county):
    approved_term(aid_county)
    school = aid_county.school(S1)
    prefix = f"s{school.pk}-"

    response = aid_county.client("compiler").post(
        reverse("aid_school_account_set", args=[TERM, school.pk]),
        {
            f"{prefix}bank_name": "银行",
            f"{prefix}account_name": "学校",
            f"{prefix}account_number": "12",
        },
    )

    assert response.status_code == 400
    assert zh("An account number is 8 to 32 digits.") in html(response)
    assert not SchoolAccount.objects.exists()


# --- who -------------------------------------------------------------------------------------------


def test_the_auditor_reads_the_payment_pages_but_every_post_is_refused(aid_county, tmp_path):
    batch = create_family_batch(aid_county)
    auditor = aid_county.client("auditor")
    school = aid_county.school(S1)
    path = tmp_path / "回盘.csv"
    path.write_text("序号\n1\n", encoding="utf-8")

    assert auditor.get(payments_url()).status_code == 200
    assert auditor.get(batch_url("aid_batch")).status_code == 200
    assert auditor.get(reverse("aid_school_accounts", args=[TERM])).status_code == 200
    assert reverse("aid_batch_export", args=[TERM, FAMILY_BATCH]) not in html(
        auditor.get(batch_url("aid_batch"))
    )

    posts = [
        auditor.post(reverse("aid_batch_create", args=[TERM]), {"payee": "school"}),
        auditor.post(batch_url("aid_batch_export"), {"fmt": "csv"}),
        auditor.post(batch_url("aid_batch_discard")),
        auditor.post(
            reverse("aid_school_account_set", args=[TERM, school.pk]),
            {f"s{school.pk}-bank_name": "银行", f"s{school.pk}-account_number": "61050170000001"},
        ),
    ]
    with path.open("rb") as f:
        posts.append(auditor.post(batch_url("aid_batch_return"), {"file": f}))

    assert [r.status_code for r in posts] == [403] * 5
    assert all("Content-Disposition" not in r for r in posts)
    assert list(PaymentBatch.objects.all()) == [batch]
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.DRAFT
    assert AuditEntry.objects.filter(action__startswith="aid.payment.").count() == 1  # created
    assert not SchoolAccount.objects.exists()


def test_a_school_officer_has_no_payment_pages(aid_county):
    create_family_batch(aid_county)
    client = aid_county.client("officer_4")

    assert client.get(payments_url()).status_code == 403
    assert client.get(batch_url("aid_batch")).status_code == 403
    assert client.post(batch_url("aid_batch_export"), {"fmt": "csv"}).status_code == 403


def test_the_payment_pages_need_a_login(aid_county):
    assert Client().get(payments_url()).status_code == 302
