"""Registers as lists: filtered, sorted and paginated in the user's scope; the Excel export holds
exactly the current filter, masked, and is recorded in the audit log; the page's queries do not
grow with the rows."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from notoneless.audit.models import AuditEntry
from notoneless.web import registers
from retention.cases import open_case
from web.county import CHILDREN, SCHOOL_A, SCHOOL_B, TERM, County

pytestmark = pytest.mark.django_db


def _names(html: str) -> list[str]:
    return re.findall(r'data-label="姓名"><a href="/students/\d+/">([^<]+)<', html)


def _sheet(response) -> list[list[object]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_register_filters_by_school_and_name(county: County) -> None:
    client = county.client("county_admin")
    school_b = county.school(SCHOOL_B)
    assert sorted(_names(client.get("/students/", {"school": school_b.pk}).content.decode())) == [
        "刘洋",
        "王芳",
        "赵磊",
    ]
    assert _names(client.get("/students/", {"name": "王"}).content.decode()) == ["王芳"]


def test_an_invalid_filter_is_shown_and_the_others_still_apply(county: County) -> None:
    html = county.client("county_admin").get("/students/", {"grade": "99", "name": "王"}).content
    text = html.decode()
    assert 'id="id_grade_error"' in text
    assert _names(text) == ["王芳"]


def test_the_register_sorts_by_a_column_both_ways(county: County) -> None:
    client = county.client("county_admin")
    code = {n: county.student(n).enrollments.get().school.code for n in CHILDREN}
    up = [code[n] for n in _names(client.get("/students/", {"sort": "school"}).content.decode())]
    html = client.get("/students/", {"sort": "-school"}).content.decode()
    down = [code[n] for n in _names(html)]
    assert up == sorted(code.values()) and down == sorted(code.values(), reverse=True)
    assert len(set(up)) == 3
    assert 'aria-sort="descending"' in html and 'href="?sort=school"' in html


def test_an_unknown_sort_falls_back_to_the_register_order(county: County) -> None:
    response = county.client("county_admin").get("/students/", {"sort": "password"})
    assert response.status_code == 200 and len(_names(response.content.decode())) == 5


def test_the_register_is_paginated(county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registers.STUDENTS, "per_page", 2, raising=False)
    client = county.client("county_admin")
    pages = [_names(client.get("/students/", {"page": n}).content.decode()) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sorted(name for page in pages for name in page) == sorted(CHILDREN)


def test_the_export_holds_the_current_filter_masked_and_is_audited(county: County) -> None:
    client = county.client("officer_a")
    rows = _sheet(client.get("/students/export.xlsx", {"name": "张"}))
    header = rows[2]
    assert header[:4] == ["姓名", "性别", "身份证号", "学籍号"]
    data = [r for r in rows[3:] if r[0]]
    assert [r[0] for r in data] == ["张伟"]
    full_id = CHILDREN["张伟"][0]
    assert full_id not in str(rows) and str(data[0][2]).endswith(full_id[-4:])
    entry = AuditEntry.objects.get(action="export.students")
    assert entry.username == "officer_a"
    assert entry.detail == {"filters": {"name": "张"}, "rows": 1}


def test_the_export_never_leaves_the_users_scope(county: County) -> None:
    school_a = county.school(SCHOOL_A)
    rows = _sheet(county.client("officer_b").get("/students/export.xlsx", {"school": school_a.pk}))
    names = {r[0] for r in rows[3:] if r[0]}
    assert "张伟" not in names


def test_the_school_list_filters_sorts_and_exports(county: County) -> None:
    client = county.client("county_admin")
    html = client.get("/schools/", {"sort": "-students"}).content.decode()
    counts = [int(n) for n in re.findall(r'data-label="学生数" class="num">(\d+)<', html)]
    assert counts == sorted(counts, reverse=True) and len(counts) == 3
    rows = _sheet(client.get("/schools/export.xlsx", {"locality": "rural"}))
    assert AuditEntry.objects.filter(action="export.schools").count() == 1
    assert rows[0][0] == "学校"
    localities = {r[5] for r in rows[3:] if r[0]}
    assert localities == {"农村"}


@pytest.mark.parametrize("persona", ["county_admin", "officer_a", "township_a"])
def test_the_register_page_runs_a_fixed_number_of_queries(
    county: County, persona: str, django_assert_max_num_queries
) -> None:
    client = county.client(persona)
    with django_assert_max_num_queries(12):
        assert client.get("/students/", {"sort": "school"}).status_code == 200


EXPORTS = [
    ("/students/", "/students/export.xlsx", "students"),
    ("/schools/", "/schools/export.xlsx", "schools"),
    ("/retention/cases/", "/retention/cases/export.xlsx", "retention_cases"),
    (
        f"/outreach/households/?term={TERM}",
        f"/outreach/households/export.xlsx?term={TERM}",
        "outreach_households",
    ),
    ("/inclusion/placements/", "/inclusion/placements/export.xlsx", "inclusion_placements"),
]


@pytest.mark.parametrize(("page", "export", "name"), EXPORTS)
def test_every_list_sorts_links_its_export_and_the_export_is_audited_and_masked(
    county: County, tmp_path: Path, page: str, export: str, name: str
) -> None:
    open_case(county, tmp_path)  # so that the case list has a row
    client = county.client("county_admin")
    html = client.get(page).content.decode()
    assert 'class="sort"' in html, "the list has sortable columns"
    assert f'href="{export.split("?")[0]}?' in html, "the list links its export"
    rows = _sheet(client.get(export))
    assert not any(
        full in str(cell) for full in (c[0] for c in CHILDREN.values()) for r in rows for cell in r
    )
    assert AuditEntry.objects.filter(action=f"export.{name}", username="county_admin").count() == 1


def test_the_household_list_sorts_in_memory_and_exports_its_rows(county: County) -> None:
    client = county.client("county_admin")
    html = client.get("/outreach/households/", {"term": TERM, "sort": "-household"}).content
    numbers = re.findall(r'data-household="(H\d+)"', html.decode())
    assert numbers == sorted(numbers, reverse=True) and len(numbers) >= 2
    rows = _sheet(client.get("/outreach/households/export.xlsx", {"term": TERM}))
    exported = sorted(str(r[0]).split()[0] for r in rows[3:] if r[0])
    assert exported == sorted(numbers)


def test_the_risk_list_exports_in_its_order_masked_and_audited(county: County, tmp_path: Path):
    open_case(county, tmp_path)  # three unexcused days: 张伟 is on the list
    client = county.client("officer_a")
    html = client.get("/retention/risk/", {"as_of": "2020-11-30"}).content.decode()
    assert 'href="/retention/risk/export.xlsx?as_of=2020-11-30"' in html
    rows = _sheet(client.get("/retention/risk/export.xlsx", {"as_of": "2020-11-30"}))
    data = [r for r in rows[3:] if r[0]]
    assert "张*" in [r[1] for r in data]  # the list masks names as its page does
    assert "张伟" not in str(rows) and CHILDREN["张伟"][0] not in str(rows)
    entry = AuditEntry.objects.get(action="export.retention_risk")
    assert entry.detail == {"filters": {"as_of": "2020-11-30"}, "rows": len(data)}
