"""``notoneless generate``: real outcomes on the tiny county (and one small county)."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from datetime import date
from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command

from notoneless.demo.generator import NoiseRates, generate, scales
from notoneless.demo.generator.attendance import school_days
from notoneless.demo.generator.writers import write_xlsx, write_xlsx_plain
from notoneless.lib.names import to_simplified
from notoneless.lib.resident_id import check, check_character

HEADERS = {
    "divisions.xlsx": "区划代码 名称 级别 上级区划代码",
    "schools.xlsx": "学校标识码 学校名称 办学类型 学段 乡镇 城乡类型 是否寄宿 学费标准 中心校标识码 经度 纬度",
    "students.xlsx": "学籍号 姓名 性别 身份证号 出生日期 民族 学校标识码 学校名称 年级 班级 是否寄宿 户口性质 户籍村 乡镇 "
    "专业 专业类别 监护人姓名 监护人身份证号 监护人电话 监护人关系 家庭困难等级 是否孤儿 是否留守儿童 户编号",
    "households.xlsx": "户编号 户主姓名 与户主关系 姓名 身份证号 性别 出生日期 乡镇 村 贫困户状态 识别年度 脱贫年度 "
    "是否监测对象",
    "assistance.xlsx": "类别 姓名 身份证号 性别 出生日期 乡镇 村 户编号",
    "disability.xlsx": "残疾证号 姓名 身份证号 性别 出生日期 残疾类别 残疾等级 乡镇 村",
    "hukou.xlsx": "姓名 身份证号 性别 出生日期 乡镇 村 户籍地址 监护人姓名 户口性质",
    "enrolled-elsewhere.xlsx": "姓名 身份证号 性别 出生日期 乡镇 村 就读学校 就读地 学段 年级 证明材料",
    "bank-accounts.xlsx": "学籍号 学生姓名 开户行 户名 卡号 持卡人关系 持卡人身份证号",
    "teachers.xlsx": "姓名 身份证号 性别 出生日期 学校标识码 任教学科 学历 职称 岗位 联系电话",
    "loans.xlsx": "姓名 身份证号 高校名称 贷款金额 学年",
    "responsibles.xlsx": "职责 镇/村 所属乡镇 学校标识码 年级 班级 姓名 电话",
    "school-conditions.xlsx": "学校标识码 学校名称 年度 教学及辅助用房面积（平方米） 体育运动场馆面积（平方米） "
    "教学仪器设备值（万元） 网络多媒体教室（间） 图书（册） 计算机（台） 专用教室（间） 远程互动教室（间）",
    "projects.xlsx": "项目编号 项目名称 项目类别 学校标识码 资金来源 年度 总投资（万元） 已完成投资（万元） 状态 "
    "开工日期 完工日期",
    "recruitment.xlsx": "年度 补充渠道 学校标识码 学科 人数",
    "training.xlsx": "身份证号 姓名 年度 培训项目 培训级别 轮次 学时",
    "honours.xlsx": "身份证号 姓名 荣誉类别 级别 年度",
    "travel-times.xlsx": "起点学校标识码 终点学校标识码 路程时间（分钟）",
    **{
        f"attendance-{m}.csv": "学籍号 姓名 学校标识码 日期 考勤状态"
        for m in ("2020-09", "2020-10", "2020-11", "2020-12", "2021-01")
    },
}
EXTERNAL = (
    "households.xlsx",
    "assistance.xlsx",
    "disability.xlsx",
    "hukou.xlsx",
    "enrolled-elsewhere.xlsx",
)
ID_NOISE = {"typed_digit", "swapped_digits", "missing_id"}


def read(folder: Path, name: str) -> pl.DataFrame:
    if name.endswith(".csv"):
        return pl.read_csv(folder / name, infer_schema_length=0)
    return pl.read_excel(folder / name, engine="calamine", infer_schema_length=0).fill_null("")


def parse_date(text: str) -> date | None:
    for pattern in (
        r"^(\d{4})-(\d{2})-(\d{2})$",
        r"^(\d{4})/(\d{1,2})/(\d{1,2})$",
        r"^(\d{4})(\d{2})(\d{2})$",
    ):
        match = re.match(pattern, text)
        if match:
            return date(*map(int, match.groups()))
    return None


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    call_command(
        "generate",
        "--scale",
        "tiny",
        "--seed",
        "1",
        "--out",
        str(out),
        stdout=StringIO(),
    )
    return out


@pytest.fixture(scope="module")
def truth(tiny) -> dict:
    return json.loads((tiny / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def people(truth) -> dict[str, dict[str, str]]:
    p = truth["persons"]
    return {
        k: {"name": n, "id": i, "sex": s, "birth": b, "village": v, "family": f}
        for k, n, i, s, b, v, f in zip(
            p["key"],
            p["name"],
            p["id_number"],
            p["sex"],
            p["birth_date"],
            p["village_code"],
            p["family"],
            strict=True,
        )
    }


def test_every_file_is_written_with_the_exact_headers(tiny):
    for name, header in HEADERS.items():
        assert read(tiny, name).columns == header.split(), name
    assert (tiny / "truth.json").exists()


def test_clean_ids_are_valid_and_agree_with_birth_date_and_sex(tiny, truth):
    checked = 0
    for name in ("students.xlsx", "teachers.xlsx", *EXTERNAL):
        frame = read(tiny, name)
        noisy = truth["noise"].get(name, {})
        for row, (value, sex, born) in enumerate(
            frame.select("身份证号", "性别", "出生日期").iter_rows(), start=2
        ):
            if not value or ID_NOISE & set(noisy.get(str(row), [])):
                continue
            result = check(value)
            assert result.usable, (name, row, value, result.reasons)
            assert check_character(value[:17]) == value[17]
            if sex:
                assert result.sex == ("M" if sex == "男" else "F"), (name, row)
            if born:
                assert result.birth_date == parse_date(born), (name, row)
            checked += 1
    assert checked > 2_500


def test_noised_ids_fail_the_check_character(tiny, truth):
    for name in EXTERNAL:
        frame = read(tiny, name)
        for row, kinds in truth["noise"].get(name, {}).items():
            value = frame["身份证号"][int(row) - 2]
            if "missing_id" in kinds:
                assert value == ""
            elif {"typed_digit", "swapped_digits"} & set(kinds):
                assert check_character(value[:17]) != value[17], (name, row, value)


def test_noise_rates_are_near_the_configured_rates(truth):
    rates = NoiseRates()
    rows = sum(truth["counts"][n.removesuffix(".xlsx")] for n in EXTERNAL)
    seen: dict[str, int] = {}
    for name in EXTERNAL:
        for kinds in truth["noise"][name].values():
            for kind in kinds:
                seen[kind] = seen.get(kind, 0) + 1
    for kind in (
        "typed_digit",
        "swapped_digits",
        "missing_id",
        "traditional",
        "homophone",
        "blank_sex",
    ):
        rate = getattr(rates, kind)
        tolerance = 4 * math.sqrt(rate * (1 - rate) / rows)
        assert abs(seen.get(kind, 0) / rows - rate) < tolerance, (kind, seen.get(kind, 0), rows)


def test_name_noise_is_a_traditional_form_or_a_homophone_of_the_clean_name(tiny, truth, people):
    for name in EXTERNAL:
        frame = read(tiny, name)
        links = truth["links"][name]
        for row, kinds in truth["noise"][name].items():
            shown = frame["姓名"][int(row) - 2]
            clean = people[links[int(row) - 2]]["name"]
            if "traditional" in kinds:
                assert shown != clean
                simplified = to_simplified([shown])[0]
                assert simplified == clean or "homophone" in kinds
            if "homophone" in kinds:
                assert (len(shown) == len(clean) and shown[0] == clean[0]) or "traditional" in kinds
                assert shown != clean


def test_truth_links_point_to_persons_whose_clean_attributes_match(tiny, truth, people):
    for name, keys in truth["links"].items():
        frame = read(tiny, name)
        assert frame.height == len(keys), name
        noisy = truth["noise"].get(name, {})
        name_col = "学生姓名" if name == "bank-accounts.xlsx" else "姓名"
        for row, key in enumerate(keys, start=2):
            person = people[key]
            kinds = set(noisy.get(str(row), []))
            record = frame.row(row - 2, named=True)
            if not kinds & {"traditional", "homophone"}:
                assert record[name_col] == person["name"], (name, row)
            if "身份证号" in record and record["身份证号"] and not kinds & ID_NOISE:
                assert record["身份证号"] == person["id"], (name, row)
            if record.get("出生日期") and name.endswith(".xlsx"):
                assert parse_date(record["出生日期"]) == date.fromisoformat(person["birth"]), (
                    name,
                    row,
                )


def test_students_are_clean_but_a_few_have_no_id_and_a_j_or_l_number(tiny, people, truth):
    students = read(tiny, "students.xlsx")
    keys = truth["links"]["students.xlsx"]
    no_id = students.filter(pl.col("身份证号") == "")
    assert 0 < no_id.height <= students.height * 0.03
    assert no_id["学籍号"].str.contains(r"^(J\d{17}[\dX]|L\d{16})$").all()
    with_id = students.filter(pl.col("身份证号") != "")
    assert (with_id["学籍号"] == "G" + with_id["身份证号"]).all()
    assert students["学籍号"].is_unique().all()
    for row, key in enumerate(keys):
        assert students["姓名"][row] == people[key]["name"]
        assert to_simplified([people[key]["name"]])[0] == people[key]["name"]


def test_birth_dates_fit_the_grades(tiny):
    students = read(tiny, "students.xlsx")
    first = students.filter(
        pl.col("年级") == "一年级", pl.col("学校名称").str.contains("小学|九年制")
    )
    assert first.height > 0
    for born in first["出生日期"]:
        # compulsory school starts at 6 by 31 August: born on or before 2014-08-31, mostly within a year
        assert date(2012, 9, 1) <= date.fromisoformat(born) <= date(2014, 8, 31)
    small = students.filter(pl.col("年级") == "小班")
    assert all(
        date(2016, 9, 1) <= date.fromisoformat(b) <= date(2017, 8, 31) for b in small["出生日期"]
    )


def test_twins_share_household_birth_date_guardian_and_village(tiny, truth, people):
    assert truth["twins"]
    hukou = read(tiny, "hukou.xlsx")
    row_of = {k: i for i, k in enumerate(truth["links"]["hukou.xlsx"])}
    for a, b in truth["twins"]:
        pa, pb = people[a], people[b]
        assert (
            pa["family"] == pb["family"]
            and pa["birth"] == pb["birth"]
            and pa["village"] == pb["village"]
        )
        assert pa["name"] != pb["name"]
        assert pa["id"][:14] == pb["id"][:14] and pa["id"][14:] != pb["id"][14:]
        if a in row_of and b in row_of:
            assert hukou["监护人姓名"][row_of[a]] == hukou["监护人姓名"][row_of[b]]


def test_same_seed_gives_the_same_bytes_and_another_seed_differs(tiny, tmp_path):
    generate("tiny", 1, tmp_path / "again")
    generate("tiny", 2, tmp_path / "other")
    first, again, other = digest(tiny), digest(tmp_path / "again"), digest(tmp_path / "other")
    assert first == again
    assert all(first[name] != other[name] for name in HEADERS if name != "divisions.xlsx")


def test_students_per_stage_are_proportional_to_yuyang(tiny):
    students = read(tiny, "students.xlsx")
    schools = read(tiny, "schools.xlsx").select("学校标识码", "办学类型")
    grade = students.join(schools, on="学校标识码")
    stage = grade.select(
        pl.when(pl.col("办学类型") == "幼儿园")
        .then(pl.lit("preschool"))
        .when(pl.col("办学类型") == "中等职业学校")
        .then(pl.lit("vocational"))
        .when(pl.col("年级").str.starts_with("高"))
        .then(pl.lit("senior"))
        .when(pl.col("年级").is_in(["七年级", "八年级", "九年级", "初一", "初二", "初三"]))
        .then(pl.lit("junior"))
        .otherwise(pl.lit("primary"))
        .alias("stage")
    )["stage"].value_counts()
    counts = dict(zip(stage["stage"], stage["count"], strict=True))
    assert counts == scales.stage_totals(scales.SCALES["tiny"].factor)


def test_out_of_school_children_are_on_hukou_and_in_no_student_or_elsewhere_file(truth):
    assert truth["out_of_school"]
    on_hukou = set(truth["links"]["hukou.xlsx"])
    enrolled = set(truth["links"]["students.xlsx"]) | set(truth["links"]["enrolled-elsewhere.xlsx"])
    for key in truth["out_of_school"]:
        assert key in on_hukou and key not in enrolled
    assert set(truth["studying_elsewhere"]) == set(truth["links"]["enrolled-elsewhere.xlsx"])
    assert not set(truth["studying_elsewhere"]) & set(truth["links"]["students.xlsx"])


def test_school_days_follow_the_2020_holiday_calendar():
    days = {str(d) for d in school_days()}
    assert "2020-09-27" in days and "2020-10-10" in days  # make-up working days
    assert not any(f"2020-10-0{d}" in days for d in range(1, 9))
    assert "2020-09-26" not in days and "2020-09-01" in days


def test_absences_are_about_two_percent_and_dropouts_are_runs_of_unexcused_days(tiny, truth):
    frames = [
        read(tiny, f"attendance-{m}.csv")
        for m in ("2020-09", "2020-10", "2020-11", "2020-12", "2021-01")
    ]
    absences = pl.concat(frames)
    days = [str(d) for d in school_days()]
    assert set(absences["日期"]) <= set(days)
    rate = absences.height / (truth["counts"]["students"] * len(days))
    assert 0.015 < rate < 0.03
    assert set(absences["考勤状态"]) == {"病假", "事假", "旷课"}
    planted = {d["student_number"]: d for d in truth["planted_dropouts"]}
    assert len(planted) >= 3 and any(d["days"] >= 10 for d in planted.values())
    index = {d: i for i, d in enumerate(days)}
    unexcused = absences.filter(pl.col("考勤状态") == "旷课")
    for number, rows in unexcused.group_by("学籍号"):
        positions = sorted(index[d] for d in rows["日期"])
        longest = run = 1
        for a, b in itertools.pairwise(positions):
            run = run + 1 if b == a + 1 else 1
            longest = max(longest, run)
        if number[0] in planted:
            assert set(planted[number[0]]["dates"]) <= set(rows["日期"])
            assert longest >= 3
        else:
            assert longest < 3, number


def test_bank_accounts_cover_every_card_paid_student_but_the_planted_few(tiny, truth):
    bank = read(tiny, "bank-accounts.xlsx")
    paid = set()
    for program in truth["eligible"].values():
        if program["paid_to_card"]:
            paid |= {number for number, _ in program["students"]}
    missing = set(truth["no_bank_account"])
    assert set(bank["学籍号"]) == paid - missing
    assert bank["卡号"].str.contains(r"^\d{16,19}$").all()
    assert set(bank["持卡人关系"]) <= {"本人", "监护人", "一卡通"}


def test_planted_hardship_lands_on_the_seed_figures(truth):
    for figure, value in truth["seed_comparison"].items():
        assert value["eligible"] == value["target"], figure
    loans = truth["eligible"]["student_loan"]["students"]
    assert all(fen <= 800_000 for _, fen in loans)


@pytest.mark.slow
def test_a_small_county_is_proportionally_near_the_seed_figures(tmp_path):
    summary = generate("small", 7, tmp_path)
    factor = scales.SCALES["small"].factor
    assert abs(summary.counts["students"] - 12_000) < 50
    assert summary.counts["schools"] == 40
    for figure, value in summary.seed_comparison.items():
        expected = scales.SEED_FIGURES[figure] * factor
        assert abs(value["eligible"] - expected) <= max(2, 0.02 * expected), figure
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    poor = len(truth["student_hardship"]["registered_poor"])
    assert abs(poor - 1_485 * factor) <= max(3, 0.05 * 1_485 * factor)


def test_the_fast_xlsx_writer_writes_what_xlsxwriter_writes(tmp_path):
    frame = pl.DataFrame(
        {
            "学籍号": ["G61080220100101123X", "", "J610802201001019997", None],
            "姓名": ["张伟", "A&B <C>", " leading", "trailing "],
            "学费标准": [800, 0, None, 1_000],
        }
    )
    write_xlsx(tmp_path / "fast.xlsx", frame)
    write_xlsx_plain(tmp_path / "plain.xlsx", frame)
    assert (tmp_path / "fast.xlsx").read_bytes() == (tmp_path / "plain.xlsx").read_bytes()
    back = pl.read_excel(tmp_path / "fast.xlsx", engine="calamine", infer_schema_length=0)
    assert back["学籍号"][0] == "G61080220100101123X"


def test_external_registers_vary_their_date_formats(tiny):
    dates = pl.concat([read(tiny, n)["出生日期"] for n in EXTERNAL])
    assert dates.str.contains(r"^\d{4}-\d{2}-\d{2}$").mean() > 0.7
    assert dates.str.contains(r"^\d{4}/\d{1,2}/\d{1,2}$").any()
    assert dates.str.contains(r"^\d{8}$").any()
    assert (dates == "").any()


def test_noise_can_be_configured_from_the_command_line(tmp_path):
    call_command(
        "generate",
        "--scale",
        "tiny",
        "--seed",
        "3",
        "--out",
        str(tmp_path),
        "--noise",
        "missing_id=0.3,typed_digit=0",
        stdout=StringIO(),
    )
    hukou = read(tmp_path, "hukou.xlsx")
    assert 0.25 < (hukou["身份证号"] == "").mean() < 0.35
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert not any("typed_digit" in k for k in truth["noise"]["hukou.xlsx"].values())


def test_the_loan_file_is_by_resident_id_with_at_most_8000_yuan(tiny):
    loans = read(tiny, "loans.xlsx")
    assert loans["学年"].unique().to_list() == ["2020"]
    assert loans["贷款金额"].cast(pl.Int64).max() <= 8_000
    assert all(check(i).usable for i in loans["身份证号"])
