"""The three household-register checks (三比对), each a report of its own, on the web tests' county."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from matching.findings_county import HUKOU, load
from web.county import CHILDREN, SCHOOL_B

pytestmark = pytest.mark.django_db


def checks() -> dict[str, list[dict]]:
    out = StringIO()
    call_command("match", "checks", "--term", "2020-autumn", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_a_student_absent_without_excuse_on_three_days_is_listed_and_two_days_are_not(
    county, tmp_path
):
    zhang, li = (f"G{CHILDREN[n][0]}" for n in ("张伟", "李娜"))
    rows = [f"{zhang},张伟,2020-11-0{d},旷课" for d in (2, 3, 4)] + [
        f"{li},李娜,2020-11-0{d},旷课" for d in (2, 3)
    ]
    load(tmp_path, "attendance", "学籍号,姓名,日期,考勤状态\n" + "\n".join(rows) + "\n")

    listed = checks()["roster-vs-attendance"]

    assert [(r["name"], r["unexcused_days"]) for r in listed] == [("张伟", 3)]
    assert CHILDREN["张伟"][0] not in json.dumps(listed)


def test_a_dropout_of_a_registered_poor_household_comes_first(county, tmp_path):
    wang, liu = (CHILDREN[n][0] for n in ("王芳", "刘洋"))
    roster = "学籍号,姓名,性别,身份证号,出生日期,学校标识码,年级,学籍状态\n" + "\n".join(
        f"G{i},{n},{s},{i},{i[6:10]}-{i[10:12]}-{i[12:14]},{SCHOOL_B},二年级,辍学"
        for i, n, s in ((liu, "刘洋", "男"), (wang, "王芳", "女"))
    )
    load(tmp_path, "students", roster + "\n")

    listed = checks()["dropouts-vs-poverty"]

    assert [r["name"] for r in listed] == ["王芳", "刘洋"]
    assert listed[0]["poverty_status"] and not listed[1]["poverty_status"]


def test_the_household_register_check_lists_the_out_of_school_leads_of_the_last_run(
    county, tmp_path
):
    load(tmp_path, "hukou", HUKOU)
    call_command("match", "run", "--term", "2020-autumn", "--json", stdout=StringIO())

    listed = checks()["hukou-vs-roster"]

    assert 4 in [r["expected_grade"] for r in listed]
