"""The schools area's figures as the reports say them: project totals per year and the district's
sentence, training rounds per teacher, honours and recruitment, the command-line reports, and the
Excel writer that never lets a cell run as a formula."""

from __future__ import annotations

import io
import json
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from notoneless.lib.sheets import Column, Table, write_workbook
from notoneless.registry.imports import import_file
from notoneless.schools.models import Project
from notoneless.schools.projects import totals
from notoneless.schools.training import build as training_report
from schools.county import P1, County, teacher_id

pytestmark = pytest.mark.django_db


def _import(tmp_path: Path, kind: str, text: str) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    result = import_file(kind, path)
    assert result.ok, result.as_dict()


def test_five_years_of_projects_are_said_as_the_district_said_them(
    county: County, tmp_path: Path
) -> None:
    # 4.86亿 of building in three projects, 6,921.8万 of equipment in two, one cancelled project
    text = (
        "项目编号,项目名称,项目类别,学校标识码,资金来源,年度,总投资（万元）,已完成投资（万元）,状态\n"
        f"A1,教学楼,新建,{P1},中央,2016,20000,20000,已完工\n"
        f"A2,宿舍楼,改扩建,{P1},省级,2018,18000,18000,已完工\n"
        f"A3,维修,维修改造,{P1},区县,2020,10600,10600,已完工\n"
        f"B1,计算机教室,设施设备,{P1},区县,2017,5000,5000,已完工\n"
        f"B2,远程互动课堂,远程互动资源,,省级,2019,1921.8,1921.8,已完工\n"
        f"C1,取消的项目,新建,{P1},区县,2019,999,0,已取消\n"
    )
    _import(tmp_path, "projects", text)
    summary = totals(Project.objects.all())
    assert summary.sentence() == (
        "2016—2020年累计投入4.86亿元，实施新建改扩建、维修等项目3个；投入6,921.80万元，配备设施设备、"
        "远程互动资源等项目2个。"
    )
    assert summary.cancelled == 1
    assert [y.year for y in summary.years] == [2016, 2017, 2018, 2019, 2020]
    assert summary.years[3].spent_fen["equipment"] == 19_218_000_00


def test_rounds_count_only_with_enough_hours_and_the_target_is_five(
    county: County, tmp_path: Path
) -> None:
    a, b = teacher_id("p1_b"), teacher_id("p1_c")
    rows = [f"{a},{year},第{r}轮,区培,{r},36" for r, year in enumerate(range(2016, 2021), start=1)]
    rows += [f"{b},2016,第一轮,区培,1,36", f"{b},2017,校本研修,校本,2,8"]  # 8 hours: not a round
    _import(
        tmp_path, "training", "身份证号,年度,培训项目,培训级别,轮次,学时\n" + "\n".join(rows) + "\n"
    )
    report = training_report(None)
    assert report.person_times == 7 and report.at_target == 1
    rounds = {r["rounds"]: r["teachers"] for r in report.rounds}
    assert rounds[5] == 1 and rounds[1] == 1 and rounds[0] == report.teachers - 2
    assert report.honour_totals == {"backbone": 2, "famous_principal": 1}


def test_the_training_report_of_a_school_counts_its_teachers_only(county: County) -> None:
    assert training_report([county.school(P1).pk]).teachers == 8


@pytest.mark.parametrize(
    ("args", "figure"),
    [
        (["balance", "--year", "2020"], "cv"),
        (["staffing"], "totals"),
        (["projects"], "building"),
        (["training"], "person_times"),
    ],
)
def test_each_report_prints_json_and_writes_excel(
    county: County, tmp_path: Path, args: list[str], figure: str
) -> None:
    out = StringIO()
    target = tmp_path / "report.xlsx"
    call_command("schools", *args, "--json", "--xlsx", str(target), stdout=out)
    assert figure in json.loads(out.getvalue())
    assert openpyxl.load_workbook(target).sheetnames


def test_one_school_is_explained_on_the_command_line(county: County) -> None:
    out = StringIO()
    call_command("schools", "balance", "--year", "2020", "--school", P1, stdout=out)
    text = out.getvalue()
    assert "生均体育运动场馆面积: 6.00平方米 / 标准7.5 未达" in text and "达标6项：未达标" in text


def test_no_exported_cell_runs_as_a_formula() -> None:
    buffer = io.BytesIO()
    table = Table(
        sheet="s",
        title="t",
        columns=[Column("a"), Column("b", "int")],
        rows=[['=HYPERLINK("http://x","y")', 1], ["+1", 2], ["@SUM(A1)", 3], ["-2", 4]],
        totals=["合计", 10],
    )
    write_workbook(buffer, [table])
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["s"]
    values = [sheet.cell(row=r, column=1).value for r in range(3, 7)]
    assert values == ['\'=HYPERLINK("http://x","y")', "'+1", "'@SUM(A1)", "'-2"]
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(3, 7))
    assert sheet.cell(row=7, column=2).value == 10 and sheet.freeze_panes == "A3"
