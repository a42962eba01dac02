"""Paying an approved term: batches, the bank file, the bank's return file, re-issuing failures.

The term is brought to approval through the real actions (compute, each school submits, compile by one
officer, approve by another); ``exporter`` is the third person who may send the money.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from aid.county import CHILDREN, EXPECTED, K1, NO_CARD, S1, TERM, V1, AidCounty, card_number
from notoneless.aid import payments, selectors
from notoneless.aid.compute import compute_term
from notoneless.aid.errors import AidRefused
from notoneless.aid.models import AidTerm, PaymentBatch, PaymentLine
from notoneless.aid.payments import ReturnFileRefused
from notoneless.aid.policy import load_pack, pack_path
from notoneless.aid.workflow import approve_term, compile_term, submit_school_list
from notoneless.audit.models import AuditEntry
from notoneless.lib.tables import read_table
from notoneless.registry.models import BankAccount

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    """The refusals and return-file problems are matched by their English wording."""
    with translation.override("en"):
        yield


NOTICE = date(2020, 9, 10)
AFTER_NOTICE = date(2020, 10, 20)
DEFAULT_COLUMNS = ["序号", "户名", "持卡人身份证号", "卡号", "开户行", "金额", "学生姓名", "摘要"]
RETURN_HEADER = ["批次号", "序号", "卡号", "户名", "金额", "状态", "失败原因", "入账日期"]
PACK = load_pack(pack_path("shaanxi-2020"))


# --- helpers ---------------------------------------------------------------------------------------


def approved_term(county: AidCounty, notice_start: date = NOTICE) -> AidTerm:
    """Compute, every school submits its list (notice posted on ``notice_start``), compile, approve."""
    aid_term = compute_term(term_code=TERM, acting_user=county.user("compiler")).aid_term
    for school in selectors.schools_in_term(county.user("compiler"), TERM):
        submit_school_list(
            aid_term=aid_term,
            school=school,
            notice_start=notice_start,
            acting_user=county.user(f"officer_{school.code[-1]}"),
        )
    compile_term(aid_term=aid_term, acting_user=county.user("compiler"))
    return approve_term(aid_term=aid_term, acting_user=county.user("approver"))


def expected(payee: str, *, without: set[str] = NO_CARD) -> dict[tuple[str, str], int]:
    return {
        (name, program): fen
        for name, programs in EXPECTED.items()
        for program, fen in programs.items()
        if PACK.by_code[program].spec.payee == payee and name not in without
    }


def lines_by_child(batch: PaymentBatch) -> dict[tuple[str, str], int]:
    return {
        (line.entitlement.student.person.name, line.entitlement.program): line.amount_fen
        for line in batch.lines.select_related("entitlement__student__person")
    }


def statuses(batch: PaymentBatch) -> list[str]:
    return list(batch.lines.order_by("line_no").values_list("status", flat=True))


def school_accounts(county: AidCounty, *codes: str) -> None:
    for i, code in enumerate(codes):
        payments.set_school_account(
            school=county.school(code),
            bank_name="中国建设银行榆林分行",
            account_name=county.school(code).name,
            account_number=f"6105017000{i:06d}",
            acting_user=county.user("compiler"),
        )


def family_batch(county: AidCounty) -> PaymentBatch:
    return payments.create_batch(
        aid_term=approved_term(county), payee="family", acting_user=county.user("compiler")
    )


def export(county: AidCounty, batch: PaymentBatch, fmt: str = "csv") -> bytes:
    return payments.export_batch(
        batch=batch, acting_user=county.user("exporter"), fmt=fmt, today=AFTER_NOTICE
    ).content


def file_table(content: bytes, tmp_path: Path, fmt: str) -> list[dict[str, str]]:
    """The exported file read back as the bank would: header, then rows of text."""
    path = tmp_path / f"sent.{fmt}"
    path.write_bytes(content)
    rows = read_table(path).frame.rows()
    header = list(rows[0])
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def return_file(
    tmp_path: Path,
    batch: PaymentBatch,
    sent: list[dict[str, str]],
    *,
    failed: dict[int, str] | None = None,
    name: str = "回盘.csv",
) -> Path:
    """A bank's return file answering every row of ``sent``: 成功, or 失败 with the reason given."""
    failed = failed or {}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RETURN_HEADER)
    for row in sent:
        n = int(row["序号"])
        ok = n not in failed
        writer.writerow(
            [
                batch.number,
                n,
                row["卡号"],
                row["户名"],
                row["金额"],
                "成功" if ok else "失败",
                "" if ok else failed[n],
                "2020-10-23" if ok else "",
            ]
        )
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def exported(county: AidCounty, batch: PaymentBatch, tmp_path: Path) -> list[dict[str, str]]:
    return file_table(export(county, batch), tmp_path, "csv")


def reimport_card(county: AidCounty, name: str, card: str, bank: str = "中国农业银行") -> None:
    c = CHILDREN[name]
    county.import_csv(
        "bank-accounts",
        "学籍号,学生姓名,开户行,户名,卡号,持卡人关系,持卡人身份证号\n"
        f"G{c.id_number},{name},{bank},{name[0]}家长,{card},监护人,\n",
    )


# --- batches ---------------------------------------------------------------------------------------


def test_a_family_batch_holds_exactly_the_family_paid_due_entitlements_with_an_account(aid_county):
    batch = family_batch(aid_county)

    assert batch.number == "2020-autumn-F-001"
    assert batch.state == PaymentBatch.State.DRAFT
    assert lines_by_child(batch) == expected("family")
    assert sorted(batch.lines.values_list("line_no", flat=True)) == list(
        range(1, len(expected("family")) + 1)
    )


def test_a_line_is_a_frozen_copy_of_the_account_it_pays(aid_county):
    batch = family_batch(aid_county)

    line = batch.lines.select_related("entitlement__student").get(
        entitlement__student__person__name="丁小学"
    )
    account = BankAccount.objects.get(person=line.entitlement.student.person_id)
    assert line.account_id == account.pk
    assert (line.card_number_enc, line.card_number_hash, line.card_number_masked) == (
        account.card_number_enc,
        account.card_number_hash,
        account.card_number_masked,
    )
    assert (line.holder_name, line.bank_name) == ("丁家长", "中国农业银行")
    assert "*" in line.card_number_masked


def test_a_student_without_a_card_is_listed_as_unpaid_not_dropped(aid_county):
    batch = family_batch(aid_county)

    unpaid = payments.unpaid_without_account(batch.aid_term)
    assert [(u.student_name, u.program, u.amount_fen) for u in unpaid if u.payee == "family"] == [
        ("戊小学", "compulsory_non_boarding", 25_000)
    ]
    assert not batch.lines.filter(entitlement__student__person__name="戊小学").exists()
    entry = AuditEntry.objects.get(action="aid.payment.batch")
    assert entry.detail["without_account"] == 1


def test_programs_paid_by_other_agencies_are_never_in_a_batch(aid_county):
    batch = family_batch(aid_county)
    school_accounts(aid_county, K1, S1, V1)
    schools = payments.create_batch(
        aid_term=batch.aid_term, payee="school", acting_user=aid_county.user("compiler")
    )

    programs = set(PaymentLine.objects.values_list("entitlement__program", flat=True).distinct())
    assert "yulu" not in programs
    assert schools.number == "2020-autumn-S-001"
    with pytest.raises(AidRefused):
        payments.create_batch(
            aid_term=batch.aid_term, payee="recorded", acting_user=aid_county.user("compiler")
        )


def test_a_second_batch_with_nothing_left_to_pay_is_refused(aid_county):
    batch = family_batch(aid_county)

    with pytest.raises(AidRefused, match="Nothing to pay"):
        payments.create_batch(
            aid_term=batch.aid_term, payee="family", acting_user=aid_county.user("compiler")
        )
    assert PaymentBatch.objects.count() == 1


def test_a_term_not_yet_approved_is_not_paid(aid_county):
    aid_term = compute_term(term_code=TERM, acting_user=aid_county.user("compiler")).aid_term

    with pytest.raises(AidRefused, match="approved"):
        payments.create_batch(
            aid_term=aid_term, payee="family", acting_user=aid_county.user("compiler")
        )
    assert not PaymentBatch.objects.exists()


def test_a_school_officer_cannot_create_a_batch(aid_county):
    aid_term = approved_term(aid_county)

    with pytest.raises(AidRefused):
        payments.create_batch(
            aid_term=aid_term, payee="family", acting_user=aid_county.user("officer_2")
        )


def test_a_school_batch_has_a_line_per_waiver_and_a_file_row_per_school(aid_county, tmp_path):
    aid_term = approved_term(aid_county)
    school_accounts(aid_county, K1, S1)
    batch = payments.create_batch(
        aid_term=aid_term, payee="school", acting_user=aid_county.user("compiler")
    )

    assert lines_by_child(batch) == {
        k: v
        for k, v in expected("school", without=set()).items()
        if k[0] not in {"癸中职", "丑中职"}
    }
    rows = exported(aid_county, batch, tmp_path)
    assert [(r["序号"], r["户名"], r["金额"], r["摘要"]) for r in rows] == [
        ("1", "鱼河镇中心幼儿园", "1200.00", "2020秋保教费减免"),
        ("2", "榆阳区第一高级中学", "800.00", "2020秋免学费"),
    ]
    assert rows[0]["卡号"] == "6105017000000000"
    # the vocational school has no account yet: its waivers are listed, not dropped
    unpaid = payments.unpaid_without_account(aid_term)
    assert {(u.student_name, u.program) for u in unpaid if u.payee == "school"} == {
        ("癸中职", "vocational_tuition_waiver"),
        ("丑中职", "vocational_tuition_waiver"),
    }


# --- export ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["compiler", "approver"])
def test_the_compiler_and_the_approver_may_not_export(aid_county, persona):
    batch = family_batch(aid_county)

    with pytest.raises(AidRefused, match="may not export"):
        payments.export_batch(batch=batch, acting_user=aid_county.user(persona), today=AFTER_NOTICE)
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.DRAFT
    assert batch.file_sha256 == ""


def test_a_third_officer_exports_and_the_batch_records_it(aid_county):
    batch = family_batch(aid_county)

    bank_file = payments.export_batch(
        batch=batch, acting_user=aid_county.user("exporter"), today=AFTER_NOTICE
    )

    batch.refresh_from_db()
    assert bank_file.name == "2020-autumn-F-001.xlsx"
    assert batch.state == PaymentBatch.State.EXPORTED
    assert batch.exported_by == aid_county.user("exporter")
    assert batch.file_sha256 == bank_file.sha256
    entry = AuditEntry.objects.get(action="aid.payment.export")
    assert entry.user == aid_county.user("exporter")
    assert entry.detail["sha256"] == bank_file.sha256
    assert entry.detail["again"] is False


def test_export_waits_five_working_days_of_notice_across_the_national_day_holiday(
    aid_county, monkeypatch
):
    batch = payments.create_batch(
        aid_term=approved_term(aid_county, notice_start=date(2020, 9, 30)),
        payee="family",
        acting_user=aid_county.user("compiler"),
    )
    exporter = aid_county.user("exporter")
    # posted Wed 30 Sep; 1-8 Oct are the holiday; Sat 10 Oct is a make-up working day
    for today in (date(2020, 10, 8), date(2020, 10, 13)):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, d=today, **k: d)
        with pytest.raises(AidRefused, match="2020-10-14"):
            payments.export_batch(batch=batch, acting_user=exporter)
        batch.refresh_from_db()
        assert batch.state == PaymentBatch.State.DRAFT

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2020, 10, 14))
    payments.export_batch(batch=batch, acting_user=exporter)
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.EXPORTED


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_bank_file_has_the_default_columns_full_card_numbers_and_yuan(
    aid_county, tmp_path, fmt
):
    batch = family_batch(aid_county)

    rows = file_table(export(aid_county, batch, fmt), tmp_path, fmt)

    assert list(rows[0]) == DEFAULT_COLUMNS
    cards = {name: card_number(i) for i, name in enumerate(CHILDREN)}
    want = expected("family")
    assert len(rows) == len(want)
    for row in rows:
        program = next(p for (n, p) in want if n == row["学生姓名"])
        fen = want[(row["学生姓名"], program)]
        assert row["卡号"] == cards[row["学生姓名"]]
        assert row["金额"] == f"{Decimal(fen) / 100:.2f}"
        assert row["摘要"] == "2020秋" + PACK.by_code[program].spec.notice_label
    assert sum(Decimal(r["金额"]) for r in rows) == Decimal(sum(want.values())) / 100
    assert [int(r["序号"]) for r in rows] == list(range(1, len(want) + 1))


def test_an_exported_batch_is_immutable_and_downloads_the_same_file_again(aid_county):
    batch = family_batch(aid_county)
    first = payments.export_batch(
        batch=batch, acting_user=aid_county.user("exporter"), today=AFTER_NOTICE
    )

    again = payments.export_batch(
        batch=batch, acting_user=aid_county.user("exporter"), today=AFTER_NOTICE
    )

    assert again.content == first.content
    assert AuditEntry.objects.filter(action="aid.payment.export").count() == 2
    with pytest.raises(AidRefused, match="exported"):
        payments.discard_batch(batch=batch, acting_user=aid_county.user("compiler"))
    with pytest.raises(AidRefused, match="xlsx"):
        payments.export_batch(
            batch=batch, acting_user=aid_county.user("exporter"), fmt="csv", today=AFTER_NOTICE
        )
    assert batch.lines.count() == len(expected("family"))


def test_a_draft_batch_can_be_discarded_and_its_entitlements_batched_again(aid_county):
    batch = family_batch(aid_county)

    payments.discard_batch(batch=batch, acting_user=aid_county.user("compiler"))
    again = payments.create_batch(
        aid_term=batch.aid_term, payee="family", acting_user=aid_county.user("compiler")
    )

    assert lines_by_child(again) == expected("family")


# --- the bank's return -----------------------------------------------------------------------------


def test_a_return_file_all_paid_reconciles_the_batch(aid_county, tmp_path):
    batch = family_batch(aid_county)
    sent = exported(aid_county, batch, tmp_path)

    result = payments.reconcile_batch(
        batch=batch,
        file_path=return_file(tmp_path, batch, sent),
        acting_user=aid_county.user("compiler"),
    )

    assert (result.paid, result.failed, result.pending, result.reconciled) == (
        len(sent),
        0,
        0,
        True,
    )
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.RECONCILED
    assert set(batch.lines.values_list("paid_on", flat=True)) == {date(2020, 10, 23)}
    assert AuditEntry.objects.filter(action="aid.payment.reconcile").count() == 1


def test_a_partial_return_file_settles_only_its_lines(aid_county, tmp_path):
    batch = family_batch(aid_county)
    sent = exported(aid_county, batch, tmp_path)

    result = payments.reconcile_batch(
        batch=batch,
        file_path=return_file(tmp_path, batch, sent[:2]),
        acting_user=aid_county.user("compiler"),
    )

    assert (result.paid, result.pending, result.reconciled) == (2, len(sent) - 2, False)
    assert statuses(batch)[:3] == ["paid", "paid", "pending"]


def test_a_complete_term_paid_and_reconciled_leaves_nobody_missed(aid_county, tmp_path):
    reimport_card(aid_county, "戊小学", "6228480000000999999")
    aid_term = approved_term(aid_county)
    school_accounts(aid_county, K1, S1, V1)
    assert selectors.gaps(aid_county.user("compiler"), TERM)[0]

    for payee in ("family", "school"):
        batch = payments.create_batch(
            aid_term=aid_term, payee=payee, acting_user=aid_county.user("compiler")
        )
        sent = exported(aid_county, batch, tmp_path)
        payments.reconcile_batch(
            batch=batch,
            file_path=return_file(tmp_path, batch, sent, name=f"{payee}.csv"),
            acting_user=aid_county.user("compiler"),
        )
        batch.refresh_from_db()
        assert batch.state == PaymentBatch.State.RECONCILED

    missed, _over = selectors.gaps(aid_county.user("compiler"), TERM)
    assert missed == []
    assert PaymentLine.objects.filter(status="paid").count() == len(
        expected("family", without=set())
    ) + len(expected("school", without=set()))


def test_a_return_row_of_a_school_settles_all_its_lines(aid_county, tmp_path):
    aid_term = approved_term(aid_county)
    school_accounts(aid_county, K1, S1, V1)
    batch = payments.create_batch(
        aid_term=aid_term, payee="school", acting_user=aid_county.user("compiler")
    )
    sent = exported(aid_county, batch, tmp_path)
    assert [r["金额"] for r in sent] == ["1200.00", "800.00", "2000.00"]

    payments.reconcile_batch(
        batch=batch,
        file_path=return_file(tmp_path, batch, sent, failed={3: "账户状态异常"}),
        acting_user=aid_county.user("compiler"),
    )

    by_school = dict(batch.lines.values_list("entitlement__student__person__name", "status"))
    assert by_school == {
        "甲幼儿": "paid",
        "丙幼儿": "paid",
        "辛高中": "paid",
        "癸中职": "failed",
        "丑中职": "failed",
    }


def test_a_failure_is_reissued_once_the_card_is_corrected(aid_county, tmp_path):
    batch = family_batch(aid_county)
    sent = exported(aid_county, batch, tmp_path)
    ding = next(int(r["序号"]) for r in sent if r["学生姓名"] == "丁小学")
    payments.reconcile_batch(
        batch=batch,
        file_path=return_file(tmp_path, batch, sent, failed={ding: "账户已销户"}),
        acting_user=aid_county.user("compiler"),
    )
    waiting = payments.failures_awaiting_correction(batch.aid_term)
    assert [(u.student_name, u.reason) for u in waiting] == [("丁小学", "awaiting_correction")]
    assert "账户已销户" in waiting[0].detail
    missed, _over = selectors.gaps(aid_county.user("compiler"), TERM)
    assert {g.reason for g in missed if g.student_id == aid_county.student("丁小学").pk} == {
        "payment failed"
    }

    reimport_card(aid_county, "丁小学", "6228480000000555555")
    second = payments.create_batch(
        aid_term=batch.aid_term, payee="family", acting_user=aid_county.user("compiler")
    )

    assert second.number == "2020-autumn-F-002"
    assert lines_by_child(second) == {("丁小学", "compulsory_boarding"): 50_000}
    assert payments.failures_awaiting_correction(batch.aid_term) == []
    rows = exported(aid_county, second, tmp_path)
    assert [r["卡号"] for r in rows] == ["6228480000000555555"]


def test_an_uncorrected_failure_is_not_reissued(aid_county, tmp_path):
    batch = family_batch(aid_county)
    sent = exported(aid_county, batch, tmp_path)
    payments.reconcile_batch(
        batch=batch,
        file_path=return_file(tmp_path, batch, sent, failed={1: "户名不符"}),
        acting_user=aid_county.user("compiler"),
    )
    # the same card imported again, unchanged: not a correction
    reimport_card(aid_county, sent[0]["学生姓名"], sent[0]["卡号"])

    with pytest.raises(AidRefused, match="1 failed payments waiting"):
        payments.create_batch(
            aid_term=batch.aid_term, payee="family", acting_user=aid_county.user("compiler")
        )
    assert PaymentBatch.objects.count() == 1


def test_an_account_changed_after_the_failure_counts_as_corrected(aid_county, tmp_path):
    batch = family_batch(aid_county)
    sent = exported(aid_county, batch, tmp_path)
    payments.reconcile_batch(
        batch=batch,
        file_path=return_file(tmp_path, batch, sent, failed={1: "开户行不符"}),
        acting_user=aid_county.user("compiler"),
    )

    reimport_card(aid_county, sent[0]["学生姓名"], sent[0]["卡号"], bank="榆阳农村商业银行")
    second = payments.create_batch(
        aid_term=batch.aid_term, payee="family", acting_user=aid_county.user("compiler")
    )

    assert second.lines.get().bank_name == "榆阳农村商业银行"


def _unknown_line(rows: list[list[str]]) -> tuple[int, str]:
    rows[1][1] = "99"
    return 3, "序号"


def _changed_amount(rows: list[list[str]]) -> tuple[int, str]:
    rows[0][4] = "2500.00"
    return 2, "金额"


def _changed_card(rows: list[list[str]]) -> tuple[int, str]:
    rows[2][2] = "6228480000000123456"
    return 4, "卡号"


def _other_batch(rows: list[list[str]]) -> tuple[int, str]:
    rows[1][0] = "2020-autumn-F-002"
    return 3, "批次号"


def _bad_status(rows: list[list[str]]) -> tuple[int, str]:
    rows[0][5] = "处理中"
    return 2, "状态"


def _bad_date(rows: list[list[str]]) -> tuple[int, str]:
    rows[1][7] = "十月二十三日"
    return 3, "入账日期"


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (_unknown_line, "unknown line"),
        (_changed_amount, "changed amount"),
        (_changed_card, "changed card number"),
        (_other_batch, "different batch"),
        (_bad_status, "unreadable status"),
        (_bad_date, "not a date"),
    ],
)
def test_a_bad_return_file_is_refused_whole_naming_row_and_column(
    aid_county, tmp_path, spoil, words
):
    batch = family_batch(aid_county)
    sent = exported(aid_county, batch, tmp_path)
    path = return_file(tmp_path, batch, sent)
    lines = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    row, column = spoil(lines[1:])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(lines)

    with pytest.raises(ReturnFileRefused) as refused:
        payments.reconcile_batch(
            batch=batch, file_path=path, acting_user=aid_county.user("compiler")
        )

    message = str(refused.value)
    assert words in message
    assert f"回盘.csv, row {row}, column {column}" in message
    assert set(statuses(batch)) == {"pending"}
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.EXPORTED


def test_a_line_already_reconciled_cannot_be_answered_again(aid_county, tmp_path):
    batch = family_batch(aid_county)
    sent = exported(aid_county, batch, tmp_path)
    payments.reconcile_batch(
        batch=batch,
        file_path=return_file(tmp_path, batch, sent[:1], name="first.csv"),
        acting_user=aid_county.user("compiler"),
    )

    with pytest.raises(ReturnFileRefused, match="already reconciled") as refused:
        payments.reconcile_batch(
            batch=batch,
            file_path=return_file(tmp_path, batch, sent[:2], name="second.csv"),
            acting_user=aid_county.user("compiler"),
        )

    assert "second.csv, row 2, column 序号" in str(refused.value)
    assert statuses(batch)[:2] == ["paid", "pending"]


def test_a_draft_batch_cannot_be_reconciled(aid_county, tmp_path):
    batch = family_batch(aid_county)
    path = return_file(tmp_path, batch, [])

    with pytest.raises(AidRefused, match="not been exported"):
        payments.reconcile_batch(
            batch=batch, file_path=path, acting_user=aid_county.user("compiler")
        )


def test_an_xlsx_return_file_with_a_title_and_a_total_row_is_read_too(aid_county, tmp_path):
    import xlsxwriter

    batch = family_batch(aid_county)
    sent = exported(aid_county, batch, tmp_path)
    path = tmp_path / "回盘.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["代发结果", batch.number])  # a title row above the header
    sheet.write_row(1, 0, RETURN_HEADER)
    for i, r in enumerate(sent, start=2):
        sheet.write_row(i, 0, [batch.number, int(r["序号"]), r["卡号"], r["户名"]])
        sheet.write_number(i, 4, float(r["金额"]))
        sheet.write_row(i, 5, ["成功", "", "2020/10/23"])
    sheet.write_row(len(sent) + 2, 0, ["", "合计", "", "", "4875.00"])  # a total row at the foot
    book.close()

    result = payments.reconcile_batch(
        batch=batch, file_path=path, acting_user=aid_county.user("compiler")
    )

    assert result.reconciled


# --- the database's last guard and the reads -------------------------------------------------------


def test_the_database_refuses_a_second_live_line_for_an_entitlement(aid_county):
    batch = family_batch(aid_county)
    line = batch.lines.first()
    assert line is not None

    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLine.objects.create(
            batch=batch,
            line_no=999,
            entitlement=line.entitlement,
            amount_fen=line.amount_fen,
            holder_name=line.holder_name,
            bank_name=line.bank_name,
        )


def test_the_lines_of_a_batch_show_masked_numbers_only(aid_county):
    batch = family_batch(aid_county)

    lines = payments.lines_of_batch(aid_county.user("auditor"), batch)

    assert len(lines) == len(expected("family"))
    assert not any(k.endswith("_enc") for k in lines[0])
    assert all("*" in line["card_number_masked"] for line in lines)
    assert all(card_number(i) not in str(lines) for i in range(len(CHILDREN)))


def test_a_school_officer_sees_only_the_lines_of_their_school(aid_county):
    batch = family_batch(aid_county)

    lines = payments.lines_of_batch(aid_county.user("officer_4"), batch)

    assert {line["entitlement__school__name"] for line in lines} == {"榆阳区第一高级中学"}
    [listed] = payments.batches_of_term(aid_county.user("officer_4"), TERM)
    assert listed.n_lines == 2


def test_the_batches_of_a_term_carry_their_counts(aid_county, tmp_path):
    batch = family_batch(aid_county)
    sent = exported(aid_county, batch, tmp_path)
    payments.reconcile_batch(
        batch=batch,
        file_path=return_file(tmp_path, batch, sent, failed={1: "卡号错误"}),
        acting_user=aid_county.user("compiler"),
    )

    [listed] = payments.batches_of_term(aid_county.user("auditor"), TERM)

    assert (listed.n_lines, listed.n_paid, listed.n_failed, listed.n_pending) == (
        len(sent),
        len(sent) - 1,
        1,
        0,
    )
    assert listed.fen == sum(expected("family").values())


# --- the command line ------------------------------------------------------------------------------


def test_the_command_line_pays_a_term_end_to_end(aid_county, tmp_path, monkeypatch):
    from django.core.management import call_command

    approved_term(aid_county)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: AFTER_NOTICE)
    out = io.StringIO()

    def run(*args: Any) -> str:
        out.seek(0)
        out.truncate()
        call_command("aid", *args, stdout=out)
        return out.getvalue()

    assert "1 without a usable account" in run(
        "batch", "--term", TERM, "--payee", "family", "--user", "compiler"
    )
    sent_path = tmp_path / "bank.csv"
    run("export", "2020-autumn-F-001", "--out", str(sent_path), "--user", "exporter")
    sent = file_table(sent_path.read_bytes(), tmp_path, "csv")
    batch = PaymentBatch.objects.get()
    assert "reconciled" in run(
        "reconcile", batch.number, str(return_file(tmp_path, batch, sent)), "--user", "compiler"
    )
    assert "2020-autumn-F-001" in run("batches", "--term", TERM)
    assert "戊小学" in run("unpaid", "--term", TERM)
    assert "*" in run("lines", batch.number)
