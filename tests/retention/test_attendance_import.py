"""The attendance import refuses, row by row, what cannot be an absence: an unknown student, a date outside
every term, in the future, not a school day (a public holiday, named; a weekend; the school's closure),
the same day twice with two statuses. The file is refused whole, so nothing is written and no case is
opened by mistake."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from notoneless.registry.imports import ImportResult, import_file
from notoneless.retention.calendar import add_closure, today
from notoneless.retention.models import Absence, Case
from web.county import CHILDREN, FAST_HASHERS, SCHOOL_B, County, build_county

HEADER = "学籍号,姓名,学校标识码,日期,考勤状态"
CLASS_B = ("王芳", "刘洋", "赵磊")  # 上盐湾镇中心小学, 二年级2班


@pytest.fixture
def county(db: None, tmp_path: Path, settings: Any) -> County:
    """The small county of the web tests, built through the import."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return build_county(tmp_path)


def row(name: str, day: str, status: str = "旷课") -> str:
    return f"G{CHILDREN[name][0]},{name},{CHILDREN[name][1]},{day},{status}"


def run(tmp_path: Path, *rows: str) -> ImportResult:
    path = tmp_path / "attendance.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return import_file("attendance", path)


def errors(result: ImportResult) -> list[dict]:
    assert result.log is not None
    return [i for i in result.log.frame().to_dicts() if i["severity"] == "error"]


def assert_nothing_written(result: ImportResult) -> None:
    assert result.outcome == "refused"
    assert Absence.objects.count() == 0
    assert Case.objects.count() == 0


def test_a_clean_file_is_imported(county: County, tmp_path: Path) -> None:
    result = run(tmp_path, row("张伟", "2020-11-02"), row("王芳", "2020-11-02", "病假"))
    assert result.outcome == "imported", result.as_dict()
    assert Absence.objects.count() == 2


def test_an_unknown_student_is_refused_naming_row_and_column(
    county: County, tmp_path: Path
) -> None:
    result = run(tmp_path, row("张伟", "2020-11-02"), "L99999999,无名,6108020001,2020-11-02,旷课")
    (issue,) = errors(result)
    assert (issue["row"], issue["column"]) == (3, "学籍号")
    assert "not in the student register" in issue["reason_en"]
    assert_nothing_written(result)


def test_a_whole_class_absent_on_a_holiday_is_refused_row_by_row_naming_the_holiday(
    county: County, tmp_path: Path
) -> None:
    result = run(tmp_path, *(row(name, "2020-10-01") for name in CLASS_B))
    found = errors(result)
    assert [(i["row"], i["column"], i["value"]) for i in found] == [
        (2, "日期", "2020-10-01"),
        (3, "日期", "2020-10-01"),
        (4, "日期", "2020-10-01"),
    ]
    assert all("国庆节" in i["reason_zh"] and "public holiday" in i["reason_en"] for i in found)
    assert_nothing_written(result)


def test_a_weekend_is_refused_and_a_make_up_saturday_is_a_school_day(
    county: County, tmp_path: Path
) -> None:
    result = run(tmp_path, row("张伟", "2020-11-07"), row("张伟", "2020-10-10"))
    (issue,) = errors(result)
    assert (issue["row"], issue["column"]) == (2, "日期")
    assert "weekend" in issue["reason_en"]
    assert_nothing_written(result)
    assert run(tmp_path, row("张伟", "2020-10-10")).outcome == "imported"


def test_a_date_outside_every_term_is_refused(county: County, tmp_path: Path) -> None:
    result = run(tmp_path, row("张伟", "2020-08-20"))
    (issue,) = errors(result)
    assert (issue["row"], issue["column"], issue["value"]) == (2, "日期", "2020-08-20")
    assert "outside every term" in issue["reason_en"]
    assert_nothing_written(result)


def test_a_date_in_the_future_is_refused(county: County, tmp_path: Path) -> None:
    later = (today() + timedelta(days=3)).isoformat()
    result = run(tmp_path, row("张伟", "2020-11-02"), row("张伟", later))
    (issue,) = errors(result)
    assert (issue["row"], issue["column"], issue["value"]) == (3, "日期", later)
    assert "future" in issue["reason_en"]  # said once, by the date column's own check
    assert_nothing_written(result)


def test_the_same_day_twice_with_two_statuses_is_refused(county: County, tmp_path: Path) -> None:
    result = run(tmp_path, row("王芳", "2020-11-02"), row("王芳", "2020-11-02", "病假"))
    found = errors(result)
    assert {(i["row"], i["column"]) for i in found} == {(2, "考勤状态"), (3, "考勤状态")}
    assert all("two statuses" in i["reason_en"] for i in found)
    assert_nothing_written(result)


def test_a_day_the_school_was_closed_is_refused_with_the_closure(
    county: County, tmp_path: Path
) -> None:
    add_closure(
        school=county.school(SCHOOL_B),
        start_date=date(2020, 11, 10),
        end_date=date(2020, 11, 11),
        reason="大雪停课",
        acting_user=None,
    )
    result = run(tmp_path, row("王芳", "2020-11-10"), row("张伟", "2020-11-10"))
    (issue,) = errors(result)  # 张伟's school (A) was open
    assert (issue["row"], issue["column"]) == (2, "日期")
    assert "大雪停课" in issue["reason_zh"] and "closed" in issue["reason_en"]
    assert_nothing_written(result)


def test_partial_keeps_the_good_rows_only(county: County, tmp_path: Path) -> None:
    path = tmp_path / "attendance.csv"
    path.write_text(
        "\n".join([HEADER, row("张伟", "2020-11-02"), row("张伟", "2020-10-01")]) + "\n",
        encoding="utf-8",
    )
    result = import_file("attendance", path, partial=True)
    assert result.outcome == "partial"
    assert list(Absence.objects.values_list("date", flat=True)) == [date(2020, 11, 2)]
