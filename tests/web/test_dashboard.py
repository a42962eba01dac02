"""The overview dashboard: each area's figures, at the county and one level down, agree with the
registers; the table under each chart has the chart's numbers; places out of scope are not found;
the page's queries do not grow with the data; a write shows at once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notoneless.registry.models import Division, Enrollment, School
from web.county import TOWNSHIP_A, TOWNSHIP_B, County, import_csv, resident_id

pytestmark = pytest.mark.django_db


def _spec(html: str, key: str) -> dict:
    found = re.search(
        rf'<script id="chart-{key}" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, f"no chart {key}"
    return json.loads(found.group(1))


def _charts(html: str) -> set[str]:
    return set(re.findall(r'data-chart="([a-z_]+)"', html))


def test_the_county_administrator_sees_every_area_by_township(county: County) -> None:
    html = county.client("county_admin").get("/").content.decode()
    assert {
        "students",
        "registered_poor",
        "cases",
        "care",
        "home_teaching",
        "balance",
    } <= _charts(html)
    students = _spec(html, "students")
    assert students["categories"] == ["鱼河镇", "上盐湾镇"]
    total = sum(sum(s["values"]) for s in students["series"])
    assert total == Enrollment.objects.values("student").distinct().count()
    town_a = Division.objects.get(code=TOWNSHIP_A)
    assert students["links"][0] == f"/?township={town_a.pk}"


def test_the_table_under_a_chart_has_the_charts_numbers(county: County) -> None:
    html = county.client("county_admin").get("/").content.decode()
    figure = html[
        html.index('data-chart="students"') : html.index(
            "</figure>", html.index('data-chart="students"')
        )
    ]
    spec = _spec(html, "students")
    for i, township in enumerate(spec["categories"]):
        row = re.search(rf'<tr data-category="{township}">(.*?)</tr>', figure, re.S).group(1)
        cells = [float(v) for v in re.findall(r'<td class="num">([\d.]+)</td>', row)]
        assert cells == [s["values"][i] for s in spec["series"]]


def test_drilling_into_a_township_breaks_it_down_by_school(county: County) -> None:
    town_b = Division.objects.get(code=TOWNSHIP_B)
    html = county.client("county_admin").get(f"/?township={town_b.pk}").content.decode()
    students = _spec(html, "students")
    assert students["categories"] == ["上盐湾镇中心小学"]
    assert sum(sum(s["values"]) for s in students["series"]) == 3  # 王芳, 刘洋, 赵磊
    school = School.objects.get(name="上盐湾镇中心小学")
    assert students["links"] == [f"/?school={school.pk}"]


def test_places_out_of_scope_are_not_found(county: County) -> None:
    town_b = Division.objects.get(code=TOWNSHIP_B)
    school_b = School.objects.get(name="上盐湾镇中心小学")
    assert county.client("township_a").get(f"/?township={town_b.pk}").status_code == 404
    assert county.client("township_a").get(f"/?school={school_b.pk}").status_code == 404
    assert county.client("officer_a").get(f"/?school={school_b.pk}").status_code == 404
    html = county.client("officer_a").get("/").content.decode()
    assert _spec(html, "students")["categories"] == ["鱼河镇中心小学"]


def test_each_role_sees_the_areas_it_reads(county: County) -> None:
    aid = _charts(county.client("aid_officer").get("/").content.decode())
    assert "care" not in aid and "home_teaching" not in aid and "cases" not in aid
    teacher = _charts(county.client("teacher_a").get("/").content.decode())
    assert "balance" not in teacher and "students" in teacher


def test_the_page_queries_do_not_grow_with_the_data_and_a_write_shows_at_once(
    county: County, tmp_path: Path
) -> None:
    client = county.client("county_admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/?fresh").status_code == 200
        return len(captured)

    before = queries()
    header = "学籍号,姓名,性别,身份证号,出生日期,学校标识码,年级,班级"
    ids = [resident_id("20120101", f"{n:03d}") for n in range(200, 230)]
    rows = [
        f"G{i},新生{n},{'男' if int(i[16]) % 2 else '女'},{i},2012-01-01,6108020001,二年级,2班"
        for n, i in enumerate(ids)
    ]
    text = "\n".join([header, *rows])
    import_csv(tmp_path, "students", text + "\n", county.user("county_admin"))
    after = queries()
    assert after == before
    html = client.get("/").content.decode()
    total = sum(sum(s["values"]) for s in _spec(html, "students")["series"])
    assert total == Enrollment.objects.values("student").distinct().count()
