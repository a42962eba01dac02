"""Files that cannot be imported as they are: each refused with a clear message, nothing written."""

from __future__ import annotations

import io

import pytest
import xlsxwriter

from notoneless.registry.imports import import_file
from notoneless.registry.imports.issues import write_error_workbook
from notoneless.registry.models import Person, School, Student

from .conftest import SCHOOLS, STUDENT_HEADER, student_rows

pytestmark = pytest.mark.django_db


def reasons(result) -> str:
    return " | ".join(result.log.frame()["reason_en"].to_list())


def workbook_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "students.csv"
    path.write_bytes(b"")
    result = import_file("students", path)
    assert result.outcome == "refused" and "empty" in reasons(result)


def test_a_header_without_rows_is_refused(tmp_path, county):
    path = tmp_path / "students.csv"
    path.write_text(STUDENT_HEADER + "\n", encoding="utf-8")
    result = import_file("students", path, term="2020-autumn")
    assert result.outcome == "refused" and "no data rows" in reasons(result)


def test_a_missing_required_column_is_named(county, run_import):
    text = "\n".join(
        [STUDENT_HEADER.replace("姓名,", ""), *(r.replace(",张伟", "") for r in student_rows()[:1])]
    )
    result = run_import("students", text + "\n")
    assert result.outcome == "refused" and "name" in reasons(result)
    assert Student.objects.count() == 0


def test_a_file_of_another_kind_is_recognised(county, run_import):
    result = run_import("students", SCHOOLS)
    assert result.outcome == "refused"
    assert "looks like a 'schools' file" in reasons(result)


def test_a_password_protected_workbook_is_refused_with_advice(tmp_path, county):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(workbook_bytes([STUDENT_HEADER.split(","), student_rows()[0].split(",")]))
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", encrypted)
    path = tmp_path / "students.xlsx"
    path.write_bytes(encrypted.getvalue())
    result = import_file("students", path, term="2020-autumn")
    assert result.outcome == "refused" and "password" in reasons(result)


def test_an_executable_renamed_xlsx_is_refused(tmp_path):
    path = tmp_path / "students.xlsx"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(200))
    result = import_file("students", path)
    assert result.outcome == "refused" and "not an Excel or CSV file" in reasons(result)


def test_a_real_workbook_imports_like_its_csv(tmp_path, county):
    path = tmp_path / "students.xlsx"
    rows = [STUDENT_HEADER.split(","), *(r.split(",") for r in student_rows())]
    path.write_bytes(workbook_bytes(rows))
    result = import_file("students", path, term="2020-autumn")
    assert result.outcome == "imported", result.as_dict()
    assert Person.objects.count() == 3


def test_a_title_row_above_the_header_is_skipped(tmp_path, county):
    path = tmp_path / "schools.xlsx"
    lines = [line.split(",") for line in SCHOOLS.strip().split("\n")]
    path.write_bytes(workbook_bytes([["榆阳区学校名册（2020年）"], [], *lines]))
    result = import_file("schools", path)
    assert result.outcome == "imported", result.as_dict()
    assert result.counts.unchanged == School.objects.count()


def test_the_error_workbook_lists_every_problem_for_the_clerk(county, run_import, tmp_path):
    import polars as pl

    bad = [
        r.replace("6108020001", "9999999999").replace("6108020002", "9999999998")
        for r in student_rows()
    ]
    result = run_import("students", "\n".join([STUDENT_HEADER, *bad]) + "\n")
    out = tmp_path / "errors.xlsx"
    write_error_workbook(result.log, out)
    sheet = pl.read_excel(out, engine="calamine", infer_schema_length=0)
    assert sheet.height == result.errors + result.warnings
    assert set(sheet["行 row"].drop_nulls().to_list()) >= {"2", "3"}


def test_an_internal_error_is_reported_without_a_traceback_and_writes_nothing(
    county, run_import, monkeypatch
):
    from notoneless.registry.imports import runner
    from notoneless.registry.models import Enrollment

    def broken_enrollments(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(runner.students, "_write_enrollments", broken_enrollments)
    result = run_import("students", "\n".join([STUDENT_HEADER, *student_rows()]) + "\n")
    assert result.outcome == "refused" and "internal error" in reasons(result)
    assert (
        Person.objects.count() == 0
        and Student.objects.count() == 0
        and Enrollment.objects.count() == 0
    )


@pytest.fixture
def small_batches(monkeypatch):
    """Stream every CSV two rows at a time, as a province's roster is streamed."""
    from notoneless.lib import tables

    monkeypatch.setattr(tables, "STREAM_BYTES", 10)
    monkeypatch.setattr(tables, "BATCH_ROWS", 2)


def test_a_streamed_csv_imports_batch_by_batch_in_one_transaction(
    county, run_import, small_batches
):
    result = run_import("students", "\n".join([STUDENT_HEADER, *student_rows()]) + "\n")
    assert result.outcome == "imported", result.as_dict()
    assert (result.rows, result.counts.created) == (3, 3)
    assert Student.objects.count() == 3


def test_an_error_in_a_later_batch_rolls_back_the_earlier_ones(county, run_import, small_batches):
    rows = [
        *student_rows(),
        student_rows()[0].replace("6108020001", "9999999999").replace("G", "L", 1),
    ]
    result = run_import("students", "\n".join([STUDENT_HEADER, *rows]) + "\n")
    assert result.outcome == "refused"
    errors = result.log.frame().filter(result.log.frame()["severity"] == "error")
    assert errors["row"].to_list() == [
        5
    ]  # header is row 1: the fourth data row, in the second batch
    assert Student.objects.count() == 0


def test_a_row_repeated_in_a_later_batch_is_an_error(county, run_import, small_batches):
    rows = [*student_rows(), student_rows()[0]]
    result = run_import("students", "\n".join([STUDENT_HEADER, *rows]) + "\n")
    assert result.outcome == "refused"
    assert "repeats an earlier row" in reasons(result)


def test_a_streamed_gb18030_csv_is_transcoded(county, write_file, small_batches):
    path = write_file(
        "gbk.csv", "\n".join([STUDENT_HEADER, *student_rows()]) + "\n", encoding="gb18030"
    )
    result = import_file("students", path, term="2020-autumn")
    assert result.outcome == "imported", result.as_dict()
    assert sorted(Person.objects.values_list("name", flat=True)) == ["张伟", "李娜", "王芳"]


def test_progress_is_reported_by_stage_and_rows(county, write_file, small_batches):
    calls: list[tuple[str, int, int | None]] = []
    path = write_file("students.csv", "\n".join([STUDENT_HEADER, *student_rows()]) + "\n")
    import_file("students", path, term="2020-autumn", progress=lambda *call: calls.append(call))
    assert calls[0] == ("reading", 0, None)
    assert [c for c in calls if c[0] == "checking"][-1] == (
        "checking",
        3,
        None,
    )  # streamed: no total
    assert calls[-1] == ("writing", 3, None)
