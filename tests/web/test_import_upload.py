from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jobs.helpers import finish
from notoneless.audit.models import AuditEntry
from notoneless.registry.models import Enrollment, ImportRun, School
from notoneless.web import uploads
from notoneless.web.uploads import CappedUploadHandler, format_size, safe_file_name
from web.county import TERM, County, students_csv

HEADER = "学校标识码,学校名称,办学类型,学段,乡镇,城乡类型,是否寄宿,学费标准,中心校标识码\n"
NEW_SCHOOL = "6108020004,鱼河镇中学,初级中学,初中,鱼河镇,镇区,是,0,\n"
BAD_SCHOOL = "61080200,上盐湾镇中学,初级中学,初中,上盐湾镇,乡村,否,0,\n"  # 8 digits
TOO_LARGE = "文件 big.csv 为 300 B，超过上传上限 100 B；更大的文件请用命令行导入 notoneless import"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _upload(client: Client, kind: str, name: str, text: str, **fields: Any):
    """The upload, its import job run as the worker would, and the job's page."""
    data = {"kind": kind, "file": _file(name, text), "term": TERM, "layout": "", **fields}
    return finish(client, client.post("/imports/", data))


def _html(response) -> str:
    return response.content.decode()


def _new_runs(before: int) -> list[ImportRun]:
    return list(ImportRun.objects.order_by("pk")[before:])


def test_county_admin_uploads_a_schools_csv_and_the_school_exists(county: County) -> None:
    response = _upload(county.client("county_admin"), "schools", "新学校.csv", HEADER + NEW_SCHOOL)
    assert response.status_code == 200
    html = _html(response)
    assert "导入完成" in html
    assert re.search(r"<dt>新增</dt><dd class=\"num\">1</dd>", html)
    school = School.objects.get(code="6108020004")
    assert school.name == "鱼河镇中学" and school.township.name == "鱼河镇"
    run = ImportRun.objects.order_by("-pk").first()
    assert run is not None
    assert (run.kind, run.file_name, run.outcome) == ("schools", "新学校.csv", "imported")
    assert run.acting_user == county.user("county_admin")
    entry = AuditEntry.objects.get(action="import.schools", object_id=str(run.pk))
    assert entry.client == "127.0.0.1"


def test_the_uploaded_file_is_not_kept_once_imported(county: County, media: Path) -> None:
    # It holds full ID numbers in the clear; the run keeps the client's name and the file's hash.
    _upload(county.client("county_admin"), "schools", "学校 名单.csv", HEADER + NEW_SCHOOL)
    run = ImportRun.objects.order_by("-pk").first()
    assert run is not None and run.file_name == "学校 名单.csv" and len(run.file_sha256) == 64
    assert list((media / "imports").glob("**/*.csv")) == []


def test_county_admin_uploads_a_student_register_for_the_chosen_term(county: County) -> None:
    client = county.client("county_admin")
    response = _upload(client, "students", "学籍.csv", students_csv(), term="2021-spring")
    assert response.status_code == 200
    assert "导入完成" in _html(response)
    spring = Enrollment.objects.filter(term__code="2021-spring")
    assert sorted(e.student.person.name for e in spring) == sorted(
        ["张伟", "李娜", "王芳", "刘洋", "赵磊"]
    )


def test_the_form_offers_the_kinds_and_the_current_term(county: County) -> None:
    response = county.client("county_admin").get("/imports/")
    assert response.status_code == 200
    html = _html(response)
    assert "导入数据" in html and 'enctype="multipart/form-data"' in html
    assert "学籍 / students of one term" in html
    assert f'value="{TERM}"' in html
    assert "student-register-export" in html


def test_bad_rows_are_shown_with_row_column_and_reason_and_nothing_is_written(
    county: County,
) -> None:
    response = _upload(
        county.client("county_admin"), "schools", "学校.csv", HEADER + NEW_SCHOOL + BAD_SCHOOL
    )
    assert response.status_code == 200
    html = _html(response)
    assert "已拒绝，未写入任何数据" in html
    row = re.search(r"<tr class=\"is-error\">(.*?)</tr>", html, re.S)
    assert row, html
    cells = row.group(1)
    assert '<td data-label="行" class="num">3</td>' in cells
    assert "学校标识码" in cells and "学校标识码应为10位数字" in cells
    assert not School.objects.filter(code="6108020004").exists()


def test_the_error_workbook_downloads_and_lists_the_bad_row(county: County, tmp_path: Path) -> None:
    client = county.client("county_admin")
    response = _upload(client, "schools", "学校.csv", HEADER + NEW_SCHOOL + BAD_SCHOOL)
    run = ImportRun.objects.order_by("-pk").first()
    assert run is not None and run.errors == 1
    assert f'href="/imports/{run.pk}/issues.xlsx"' in _html(response)
    download = client.get(f"/imports/{run.pk}/issues.xlsx")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert "no-cache" in download["Cache-Control"] or "no-store" in download["Cache-Control"]
    path = tmp_path / "issues.xlsx"
    path.write_bytes(b"".join(download.streaming_content))
    issues = pl.read_excel(path, engine="calamine")
    [bad] = issues.filter(pl.col("行 row") == 3).to_dicts()
    assert bad["文件 file"] == "学校.csv"
    assert bad["列 column"] == "学校标识码"
    assert bad["原因"] == "学校标识码应为10位数字"
    assert bad["reason"] == "school code must have 10 digits"


def test_importing_the_good_rows_only_writes_them(county: County) -> None:
    response = _upload(
        county.client("county_admin"),
        "schools",
        "学校.csv",
        HEADER + NEW_SCHOOL + BAD_SCHOOL,
        partial="on",
    )
    assert "已导入无误的行" in _html(response)
    assert School.objects.filter(code="6108020004").exists()
    assert not School.objects.filter(name="上盐湾镇中学").exists()


def test_a_dry_run_counts_but_writes_nothing(county: County) -> None:
    response = _upload(
        county.client("county_admin"), "schools", "学校.csv", HEADER + NEW_SCHOOL, dry_run="on"
    )
    html = _html(response)
    assert "试运行" in html and "未写入任何数据" in html
    assert re.search(r"<dt>新增</dt><dd class=\"num\">1</dd>", html)
    assert not School.objects.filter(code="6108020004").exists()
    run = ImportRun.objects.order_by("-pk").first()
    assert run is not None and run.outcome == ImportRun.Outcome.DRY_RUN


def test_an_upload_over_the_limit_is_refused_by_name_and_size(
    county: County, settings: Any, media: Path
) -> None:
    settings.UPLOAD_MAX_BYTES = 100
    before = ImportRun.objects.count()
    text = HEADER + NEW_SCHOOL
    text += "," * (300 - len(text.encode("utf-8")) - 1) + "\n"
    assert len(text.encode("utf-8")) == 300
    response = _upload(county.client("county_admin"), "schools", "big.csv", text)
    assert response.status_code == 400
    assert TOO_LARGE in _html(response)
    assert _new_runs(before) == []
    assert not School.objects.filter(code="6108020004").exists()
    assert not (media / "imports").exists()


def test_the_size_message_reads_in_megabytes() -> None:
    assert format_size(int(62.3 * 1024 * 1024)) == "62.3 MB"
    assert format_size(50 * 1024 * 1024) == "50 MB"
    assert format_size(50 * 1024 * 1024 + 1, 50 * 1024 * 1024) == "52,428,801 B"


@pytest.mark.parametrize("name", ["学校.txt", "学校.xlsx.exe", "学校"])
def test_a_file_that_is_not_xlsx_xls_or_csv_is_refused(county: County, name: str) -> None:
    before = ImportRun.objects.count()
    response = _upload(county.client("county_admin"), "schools", name, HEADER + NEW_SCHOOL)
    assert response.status_code == 400
    assert f"{name} 不是 .xlsx、.xls 或 .csv 文件" in _html(response)
    assert _new_runs(before) == []
    assert not School.objects.filter(code="6108020004").exists()


def test_a_layout_for_another_kind_and_a_malformed_term_are_refused_next_to_the_field(
    county: County,
) -> None:
    before = ImportRun.objects.count()
    client = county.client("county_admin")
    response = _upload(
        client, "schools", "学校.csv", HEADER + NEW_SCHOOL, layout="student-register-export"
    )
    assert response.status_code == 400
    assert "这个版式用于另一类文件" in _html(response)
    response = _upload(client, "students", "学籍.csv", students_csv(), term="2021秋")
    assert response.status_code == 400
    assert "学期请写成 2020-autumn 或 2021-spring" in _html(response)
    assert _new_runs(before) == []


def test_reasons_follow_the_language_of_the_page(county: County) -> None:
    client = county.client("county_admin")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = _upload(client, "schools", "schools.csv", HEADER + NEW_SCHOOL + BAD_SCHOOL)
    html = _html(response)
    assert "Refused: nothing was written" in html
    assert "school code must have 10 digits" in html
    assert "学校标识码应为10位数字" not in html


@pytest.mark.parametrize("persona", ["officer_a", "auditor", "aid_officer", "township_a"])
def test_other_roles_do_not_see_the_import_pages(county: County, persona: str) -> None:
    admin = county.client("county_admin")
    _upload(admin, "schools", "学校.csv", HEADER + NEW_SCHOOL + BAD_SCHOOL)
    run = ImportRun.objects.order_by("-pk").first()
    assert run is not None
    assert admin.get(f"/imports/{run.pk}/issues.xlsx").status_code == 200
    before = ImportRun.objects.count()
    client = county.client(persona)
    assert "/imports/" not in _html(client.get("/"))
    assert client.get("/imports/").status_code == 404
    assert client.get("/imports/history/").status_code == 404
    assert client.get(f"/imports/{run.pk}/issues.xlsx").status_code == 404
    assert _upload(client, "schools", "学校.csv", HEADER + NEW_SCHOOL).status_code == 404
    assert ImportRun.objects.count() == before
    assert not School.objects.filter(code="6108020004").exists()


def test_county_admin_finds_the_import_page_in_the_navigation(county: County) -> None:
    html = _html(county.client("county_admin").get("/"))
    assert '<a href="/imports/">导入数据</a>' in html


def test_the_workbook_of_a_missing_run_or_a_run_without_problems_is_not_found(
    county: County,
) -> None:
    client = county.client("county_admin")
    _upload(client, "schools", "学校.csv", HEADER + NEW_SCHOOL)
    clean = ImportRun.objects.order_by("-pk").first()
    assert clean is not None and clean.errors == 0
    assert client.get(f"/imports/{clean.pk}/issues.xlsx").status_code == 404
    assert client.get(f"/imports/{clean.pk + 1000}/issues.xlsx").status_code == 404


def test_the_upload_needs_a_csrf_token(county: County) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(county.user("county_admin"))
    before = ImportRun.objects.count()
    data = {"kind": "schools", "file": _file("学校.csv", HEADER + NEW_SCHOOL), "term": TERM}
    assert client.post("/imports/", data).status_code == 403
    assert _new_runs(before) == []
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _html(client.get("/imports/")))
    assert token
    data = {**data, "file": _file("学校.csv", HEADER + NEW_SCHOOL)}
    response = finish(
        client, client.post("/imports/", {**data, "csrfmiddlewaretoken": token.group(1)})
    )
    assert response.status_code == 200
    assert School.objects.filter(code="6108020004").exists()


def test_the_history_lists_imports_newest_first_with_their_workbooks(county: County) -> None:
    client = county.client("county_admin")
    _upload(client, "schools", "坏学校.csv", HEADER + BAD_SCHOOL)
    _upload(client, "schools", "新学校.csv", HEADER + NEW_SCHOOL)
    html = _html(client.get("/imports/history/"))
    assert html.index("新学校.csv") < html.index("坏学校.csv") < html.index("students.csv")
    bad = ImportRun.objects.get(file_name="坏学校.csv")
    assert f'href="/imports/{bad.pk}/issues.xlsx"' in html
    assert html.count("/issues.xlsx") == 1


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("..\\..\\windows/学校 名单.CSV", "学校_名单.csv"),
        ("../../etc/passwd", "passwd"),
        (".htaccess.xlsx", "htaccess.xlsx"),
        ("CON.xls", "_CON.xls"),
        ("a;rm -rf $HOME.csv", "a_rm_-rf_HOME.csv"),
        ("...", "upload"),
    ],
)
def test_the_saved_name_never_trusts_the_client(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe


def test_the_upload_handler_keeps_no_more_than_the_cap_but_counts_every_byte(
    settings: Any,
) -> None:
    settings.UPLOAD_MAX_BYTES = 10
    handler = CappedUploadHandler()
    handler.new_file("file", "big.csv", "text/csv", 25)
    for start, chunk in ((0, b"a" * 8), (8, b"b" * 8), (16, b"c" * 9)):
        assert handler.receive_data_chunk(chunk, start) is None
    upload = handler.file_complete(25)
    assert upload.size == 25
    assert upload.read() == b"a" * 8
    upload.close()


def test_the_history_is_paginated(county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "RUNS_PER_PAGE", 3)  # the county has four imports
    client = county.client("county_admin")
    first = _html(client.get("/imports/history/"))
    assert "第 1 页，共 2 页" in first and 'href="?page=2"' in first
    assert "students.csv" in first and "divisions.csv" not in first
    second = _html(client.get("/imports/history/?page=2"))
    assert "divisions.csv" in second and "students.csv" not in second
