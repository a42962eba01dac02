"""Projects, recruitment, training, honours and travel times come in through the one import: good
rows written, bad ones named by row and column, a refused file changes nothing."""

from __future__ import annotations

from pathlib import Path

from notoneless.registry.imports import import_file
from notoneless.schools.models import Honour, Project, Recruitment, TrainingRecord, TravelTime
from schools.county import N1, P1, T1, County, teacher_id


def _import(tmp_path: Path, kind: str, text: str):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    return import_file(kind, path)


def _errors(result) -> set[tuple[int | None, str]]:
    return {
        (i["row"], i["column"]) for i in result.log.frame().to_dicts() if i["severity"] == "error"
    }


PROJECTS = f"""项目编号,项目名称,项目类别,学校标识码,资金来源,年度,总投资（万元）,已完成投资（万元）,状态,开工日期,完工日期
YY-1,鱼河镇中心小学教学楼,新建,{P1},中央,2018,1200.5,1200.5,已完工,2018-03-01,2018-11-30
YY-2,全县远程互动课堂,远程互动资源,,区县,2019,80,60,在建,2019-04-01,
"""


def test_projects_are_read_in_ten_thousands_when_the_header_says_so(
    county: County, tmp_path: Path
) -> None:
    result = _import(tmp_path, "projects", PROJECTS)
    assert result.ok, result.as_dict()
    building = Project.objects.get(code="YY-1")
    assert building.budget_fen == 12_005_000_00 and building.school.code == P1
    assert building.kind == "new_build" and building.status == "completed"
    county_wide = Project.objects.get(code="YY-2")
    assert county_wide.school is None and county_wide.spent_fen == 60 * 10_000 * 100


def test_a_project_ending_before_it_starts_is_refused_and_overspending_warned(
    county: County, tmp_path: Path
) -> None:
    text = PROJECTS.replace("2018-11-30", "2017-11-30").replace("80,60,在建", "80,90,在建")
    result = _import(tmp_path, "projects", text)
    assert result.outcome == "refused"
    assert (2, "完工日期") in _errors(result)
    warnings = [i for i in result.log.frame().to_dicts() if i["severity"] == "warning"]
    assert any(i["row"] == 3 and "超过预算" in i["reason_zh"] for i in warnings)
    assert not Project.objects.exists()


def test_recruitment_rows_are_summed_per_year_and_channel(county: County, tmp_path: Path) -> None:
    text = f"年度,补充渠道,学校标识码,学科,人数\n2019,特岗教师,{N1},音乐,2\n2019,校园招聘,{P1},数学,1\n2020,特岗,{N1},体育,-1\n"
    refused = _import(tmp_path, "recruitment", text)
    assert refused.outcome == "refused" and (4, "人数") in _errors(refused)
    result = _import(tmp_path, "recruitment", text.replace(",-1", ",3"))
    assert result.ok
    assert sorted(Recruitment.objects.values_list("channel", "hired")) == [
        ("campus", 1),
        ("special_post", 2),
        ("special_post", 3),
    ]


def test_training_is_tied_to_the_teacher_by_resident_id(county: County, tmp_path: Path) -> None:
    unknown = "610802198501019992"
    text = (
        "身份证号,年度,培训项目,培训级别,轮次,学时\n"
        f"{teacher_id('p1_b')},2019,第四轮全员培训,区培,4,36\n"
        f"{teacher_id('p1_b')},2020,第五轮全员培训,国培,5,0\n"
        f"{unknown},2020,第五轮全员培训,区培,5,36\n"
    )
    result = _import(tmp_path, "training", text)
    assert result.outcome == "refused"
    errors = _errors(result)
    assert (3, "学时") in errors and any(row == 4 for row, _ in errors)
    assert not TrainingRecord.objects.exists()
    fixed = "\n".join(text.splitlines()[:2]) + "\n"
    assert _import(tmp_path, "training", fixed).ok
    record = TrainingRecord.objects.get()
    assert record.teacher == county.teacher("p1_b") and record.level == "county"


def test_honours_are_kept_once_per_teacher_kind_level_and_year(
    county: County, tmp_path: Path
) -> None:
    assert Honour.objects.count() == 3  # the county's own file
    text = f"身份证号,荣誉类别,级别,年度\n{teacher_id('p1_b')},骨干教师,区级,2020\n{teacher_id('p1_c')},师德标兵,市级,2020\n"
    result = _import(tmp_path, "honours", text)
    assert result.counts.created == 1 and result.counts.unchanged == 1


def test_a_travel_table_with_negative_missing_or_conflicting_times_is_refused(
    county: County, tmp_path: Path
) -> None:
    text = (
        "起点学校标识码,终点学校标识码,路程时间\n"
        f"{P1},{N1},-10\n"  # negative
        f"{P1},{T1},\n"  # missing
        f"{N1},{T1},abc\n"  # not minutes
        f"{N1},{N1},5\n"  # a school with itself
        f"{T1},{N1},30\n"
        f"{N1},{T1},35\n"  # the same pair, another time
        f"{P1},9999999999,10\n"  # unknown school
    )
    result = _import(tmp_path, "travel-times", text)
    assert result.outcome == "refused"
    reasons: dict[int, str] = {}
    for i in result.log.frame().to_dicts():
        reasons[i["row"]] = reasons.get(i["row"], "") + i["reason_zh"]
    assert "负数" in reasons[2] and "必填" in reasons[3] and "整数分钟" in reasons[4]
    assert "同一所学校" in reasons[5] and "不一致" in reasons[6] and "不一致" in reasons[7]
    assert "学校名册" in reasons[8]
    assert TravelTime.objects.count() == 1  # only the county's own pair


def test_a_pair_is_kept_once_whichever_way_it_is_written(county: County, tmp_path: Path) -> None:
    text = f"起点学校标识码,终点学校标识码,路程时间\n{T1},{N1},30\n{N1},{T1},30分钟\n"
    result = _import(tmp_path, "travel-times", text)
    assert result.ok, result.as_dict()
    pair = TravelTime.objects.get(school_a__code__in=[N1, T1], school_b__code__in=[N1, T1])
    assert pair.minutes == 30 and pair.school_a_id < pair.school_b_id
