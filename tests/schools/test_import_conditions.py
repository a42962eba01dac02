"""School conditions are imported per school and year; the equipment value's unit comes from its
header, and a value implausible in the unit it claims is refused, naming the row and the likely unit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from notoneless.registry.imports import import_file
from notoneless.schools.models import Conditions
from schools.county import CONDITIONS, P1, P2, County

HEADER = "学校标识码,年度,教学及辅助用房面积,体育运动场馆面积,{equipment},网络多媒体教室"


def _import(tmp_path: Path, text: str, name: str = "conditions.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_file("school-conditions", path)


def _issues(result) -> list[dict]:
    return result.log.frame().to_dicts()


def test_each_school_gets_its_year_and_the_ten_thousands_are_read_as_such(county: County) -> None:
    p1 = Conditions.objects.get(school__code=P1, year=2020)
    assert p1.teaching_floor_m2 == Decimal("520.00")
    assert p1.equipment_value_fen == 25 * 10_000 * 100  # 25万元
    assert p1.multimedia_classrooms == 3 and p1.books == 3000 and p1.version == 1
    assert Conditions.objects.count() == len(CONDITIONS.strip().splitlines()) - 1


def test_a_header_in_yuan_is_read_as_yuan(county: County, tmp_path: Path) -> None:
    text = HEADER.format(equipment="教学仪器设备值（元）") + f"\n{P2},2021,300,400,110000.50,2\n"
    result = _import(tmp_path, text)
    assert result.ok, _issues(result)
    assert Conditions.objects.get(school__code=P2, year=2021).equipment_value_fen == 11_000_050


def test_a_header_without_a_unit_is_read_as_yuan_with_a_warning(
    county: County, tmp_path: Path
) -> None:
    text = HEADER.format(equipment="教学仪器设备值") + f"\n{P2},2021,300,400,110000,2\n"
    result = _import(tmp_path, text)
    assert result.ok and result.warnings == 1
    assert "未注明单位" in _issues(result)[0]["reason_zh"]


def test_ten_thousands_under_a_yuan_header_are_refused_and_nothing_is_written(
    county: County, tmp_path: Path
) -> None:
    # 11 yuan for 50 pupils is nothing: the column was filled in 万元
    text = HEADER.format(equipment="教学仪器设备值（元）") + f"\n{P2},2021,300,400,11,2\n"
    result = _import(tmp_path, text)
    assert result.outcome == "refused"
    issue = next(i for i in _issues(result) if i["severity"] == "error")
    assert issue["row"] == 2 and issue["column"] == "教学仪器设备值（元）"
    assert "疑似以万元填报" in issue["reason_zh"]
    assert not Conditions.objects.filter(year=2021).exists()


def test_yuan_under_a_ten_thousands_header_are_refused(county: County, tmp_path: Path) -> None:
    text = HEADER.format(equipment="教学仪器设备值（万元）") + f"\n{P2},2021,300,400,110000,2\n"
    result = _import(tmp_path, text)
    assert result.outcome == "refused"
    assert any("疑似以元填报" in i["reason_zh"] for i in _issues(result))


def test_bad_rows_are_named_by_row_and_column(county: County, tmp_path: Path) -> None:
    text = HEADER.format(equipment="教学仪器设备值（万元）") + (
        f"\n9999999999,2021,300,400,11,2\n{P2},二〇二一,300,400,11,2\n{P2},2021,-5,400,11,2\n"
        f"{P2},2022,300,400,11,-1\n{P2},2022,300,400,11,1\n"
    )
    result = _import(tmp_path, text)
    assert result.outcome == "refused"
    by_row = {(i["row"], i["column"]) for i in _issues(result) if i["severity"] == "error"}
    assert (2, "学校标识码") in by_row  # unknown school
    assert (3, "年度") in by_row  # not a number
    assert (4, "教学及辅助用房面积") in by_row  # negative area is not a number ≥ 0
    assert (5, "网络多媒体教室") in by_row  # negative count
    assert (6, "学校标识码") in by_row  # the same school and year twice
    assert not Conditions.objects.filter(year__in=(2021, 2022)).exists()


def test_a_second_import_updates_what_changed_and_counts_a_new_version(
    county: County, tmp_path: Path
) -> None:
    changed = CONDITIONS.replace(f"{P1},2020,520,600,25,3", f"{P1},2020,530,600,25,3")
    result = _import(tmp_path, changed)
    assert result.counts.updated == 1 and result.counts.unchanged == 5
    p1 = Conditions.objects.get(school__code=P1, year=2020)
    assert p1.teaching_floor_m2 == Decimal("530.00") and p1.version == 2
