"""The monthly report on the tiny demo county, imported as the demo imports it, with cases opened by the
real scan: its figures add up, agree with counts taken independently from the ORM, follow the cases'
state at each month end, and its checks name the rows behind a planted disagreement."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from notoneless.accounts.models import Role, User
from notoneless.demo.generator import generate
from notoneless.demo.management.commands.demo import KINDS, expected_files, run_import
from notoneless.matching.models import Finding, MatchRun
from notoneless.registry.models import (
    Enrollment,
    Household,
    HukouRecord,
    Person,
    School,
    Term,
)
from notoneless.registry.school_age import school_age_rule
from notoneless.retention.actions import scan
from notoneless.retention.casework import close_case
from notoneless.retention.errors import RetentionRefused
from notoneless.retention.models import Case
from notoneless.retention.report import PLACEMENTS, POOR_STATUSES, build, check, parse_month

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
NOV_END = date(2020, 11, 30)


@pytest.fixture(scope="module")
def tiny_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-report")
    generate("tiny", 3, folder)
    return folder


@pytest.fixture
def county(tiny_files: Path) -> None:
    files = expected_files(tiny_files)
    issues = tiny_files / "issues"
    issues.mkdir(exist_ok=True)
    for kind in KINDS:
        run_import(kind, files[kind], issues)


@pytest.fixture
def scanned(county: None) -> list[Case]:
    scan(as_of=NOV_END, acting_user=None)
    cases = list(Case.objects.all())
    assert cases, "the tiny county (seed 3) plants dropouts in November"
    return cases


def total(report, stage: str = "all") -> dict:
    return next(t for t in report.totals if t["stage"] == stage)


def by_check(disagreements) -> dict:
    return {d.check: d for d in disagreements}


def test_a_month_is_written_yyyy_mm():
    assert parse_month("2020-11") == (date(2020, 11, 1), NOV_END)
    assert parse_month("2021-2") == (date(2021, 2, 1), date(2021, 2, 28))
    with pytest.raises(RetentionRefused):
        parse_month("2020-13")


def test_the_figures_add_up_and_agree_with_the_registers(scanned: list[Case]):
    report = build(month="2020-11")
    term = Term.objects.get(code="2020-autumn")

    assert report.term == "2020-autumn" and report.county["name"] == "榆阳区"
    for row in [*report.rows, *report.totals]:
        assert row["school_age"] == sum(row[p] for p in PLACEMENTS)
        assert row["still_out"] == row["suspected"] + row["dropouts"]
        assert row["poor_school_age"] <= row["school_age"]
    for figure in report.totals[0]:
        if isinstance(report.totals[0][figure], int):
            assert sum(r[figure] for r in report.rows) == total(report)[figure]
    # enrolled: children at a compulsory stage with an enrolled place this term, per township
    enrolled = Enrollment.objects.filter(
        term=term, status="enrolled", stage__in=["primary", "junior"]
    )
    assert total(report)["enrolled"] == enrolled.values("student__person").distinct().count()
    per_township = dict(
        enrolled.values_list("school__township__name").annotate(
            n=Count("student__person", distinct=True)
        )
    )
    for name, n in per_township.items():
        assert sum(r["enrolled"] for r in report.rows if r["township"] == name) == n
    # the cases: every child with an open case is suspected at the month end, none a dropout yet
    assert total(report)["suspected"] == len({c.person_id for c in scanned})
    assert total(report)["dropouts"] == total(report)["returned"] == 0
    # children of registered-poor households, as their households say
    counted = [pid for pid in report.children["person_id"].to_list() if pid is not None]
    poor = Person.objects.filter(pk__in=counted, household__poverty_status__in=POOR_STATUSES)
    assert total(report)["poor_school_age"] == poor.count() > 0
    # the household-register children the student register misses are counted, not enrolled
    assert total(report)["school_age"] > total(report)["enrolled"]
    assert total(report)["studying_elsewhere"] > 0
    assert check(report) == []


def test_school_age_children_are_those_of_compulsory_age_at_the_month_end(county: None):
    report = build(month="2020-11")
    rule = school_age_rule()
    births = Person.objects.filter(pk__in=report.children["person_id"].drop_nulls().to_list())
    over_age = [
        p.pk for p in births if p.birth_date and not rule.is_compulsory_age(p.birth_date, NOV_END)
    ]
    on_time = Enrollment.objects.filter(
        student__person_id__in=over_age, term__code="2020-autumn", stage__in=["primary", "junior"]
    )
    # anyone counted outside the age range is a pupil at a compulsory stage (an over-age pupil)
    assert set(on_time.values_list("student__person_id", flat=True)) == set(over_age)
    seniors = Enrollment.objects.filter(term__code="2020-autumn", stage="senior")
    assert not set(seniors.values_list("student__person_id", flat=True)) & set(
        report.children["person_id"].drop_nulls().to_list()
    )


def test_cases_are_counted_as_they_stood_at_each_month_end(scanned: list[Case]):
    scan(as_of=date(2020, 12, 31), acting_user=None)  # the November cases become dropouts
    children = {c.person_id for c in scanned}
    assert set(Case.objects.values_list("status", flat=True)) == {"dropout"}
    back = scanned[0]
    admin = User.objects.create_user("admin", role=Role.COUNTY_ADMIN)
    close_case(
        case=Case.objects.get(pk=back.pk),
        outcome=Case.Outcome.RETURNED,
        closed_on=date(2021, 1, 11),
        note="",
        acting_user=admin,
    )

    november, december, january = (build(month=m) for m in ("2020-11", "2020-12", "2021-01"))

    assert (total(november)["suspected"], total(november)["dropouts"]) == (len(children), 0)
    assert (total(december)["suspected"], total(december)["dropouts"]) == (0, len(children))
    assert total(december)["returned"] == 0
    assert total(january)["returned"] == 1
    assert total(january)["still_out"] == len(children - {back.person_id})
    assert total(january)["dropouts"] == len(children - {back.person_id})


def test_a_household_changed_behind_the_poverty_register_is_named(county: None):
    report = build(month="2020-11")
    poor_child = report.children.filter(report.children["poor"])["person_id"].to_list()[0]
    household = Person.objects.get(pk=poor_child).household
    Household.objects.filter(pk=household.pk).update(poverty_status="none")

    found = by_check(check(build(month="2020-11")))

    assert set(found) == {
        "poverty_register_child_not_counted_poor",
        "household_status_not_from_register",
    }
    named = {r["person_id"] for r in found["poverty_register_child_not_counted_poor"].rows}
    assert poor_child in named
    assert set(Person.objects.filter(pk__in=named).values_list("household", flat=True)) == {
        household.pk
    }
    assert found["household_status_not_from_register"].rows == [
        {
            "household_id": household.pk,
            "household_number": household.number,
            "status": "none",
            "register_status": household.poverty_status,
        }
    ]


def test_an_enrolment_counted_twice_is_named_with_both_rows(county: None):
    term = Term.objects.get(code="2020-autumn")
    place = Enrollment.objects.filter(term=term, status="enrolled", stage="primary").first()
    other = (
        School.objects.exclude(township=place.school.township)
        .filter(stages__contains="primary")
        .first()
    )
    Enrollment.objects.create(
        student=place.student, term=term, school=other, stage="primary", grade=place.grade
    )

    found = by_check(check(build(month="2020-11")))

    assert set(found) == {"enrolled_vs_student_register"}
    rows = found["enrolled_vs_student_register"].rows
    figures = [r for r in rows if r["kind"] == "figure"]
    assert len(figures) == 1 and figures[0]["register"] == figures[0]["report"] + 1
    enrolments = {r["enrollment_id"] for r in rows if r["kind"] == "enrolment"}
    assert enrolments == set(
        Enrollment.objects.filter(student=place.student, term=term).values_list("pk", flat=True)
    )


def test_a_case_whose_student_left_the_register_is_named(scanned: list[Case]):
    case = scanned[0]
    Enrollment.objects.filter(student_id=case.student_id).delete()

    found = by_check(check(build(month="2020-11")))

    assert [r["case_id"] for r in found["case_student_not_on_register"].rows] == [case.pk]


def never_enrolled_case() -> Case:
    """A household-register child nobody enrolled, confirmed out of school by the township: the scan
    opens an out-of-school case without a student."""
    record = next(
        r
        for r in HukouRecord.objects.filter(
            person__isnull=True, birth_date__isnull=False
        ).select_related("village")
        if school_age_rule().is_compulsory_age(r.birth_date, NOV_END)
    )
    person = Person.objects.create(
        name=record.name,
        name_norm=record.name_norm,
        birth_date=record.birth_date,
        hukou_village=record.village,
    )
    HukouRecord.objects.filter(pk=record.pk).update(person=person)
    run = MatchRun.objects.create(started_at=timezone.now(), finished_at=timezone.now())
    Finding.objects.create(
        run=run,
        kind="out-of-school",
        person=person,
        township=record.village.parent,
        reason="not enrolled",
        verification="confirmed",
        verified_at=timezone.now() - timedelta(days=1),
    )
    scan(as_of=NOV_END, acting_user=None)
    return Case.objects.get(person=person)


def test_a_never_enrolled_child_is_counted_out_of_school_in_its_village_s_township(county: None):
    case = never_enrolled_case()
    assert case.student_id is None and case.trigger == "out-of-school"
    township = case.person.hukou_village.parent.name

    report = build(month="2020-11")

    child = report.children.filter(report.children["person_id"] == case.person_id).to_dicts()
    assert len(child) == 1
    assert child[0]["placement"] == "not_in_school" and child[0]["still_out"]
    stage = child[0]["stage"]
    row = next(r for r in report.rows if r["township"] == township and r["stage"] == stage)
    assert row["still_out"] >= 1 and row["not_in_school"] >= 1
    assert check(report) == []

    # the student register enrols the child after all, behind the case's back
    place = Enrollment.objects.filter(term__code="2020-autumn", stage=stage).first()
    from notoneless.registry.models import Student

    student = Student.objects.create(person=case.person, student_number_hash="planted")
    Enrollment.objects.create(
        student=student, term=place.term, school=place.school, stage=stage, grade=place.grade
    )
    found = by_check(check(build(month="2020-11")))
    assert [r["case_id"] for r in found["never_enrolled_counted_enrolled"].rows] == [case.pk]


def test_the_command_prints_json_and_writes_the_excel_sheet(
    scanned: list[Case], tmp_path: Path, capsys: pytest.CaptureFixture
):
    path = tmp_path / "月报.xlsx"
    call_command("retention", "report", "--month", "2020-11", "--json", "--xlsx", str(path))
    out = json.loads(capsys.readouterr().out)

    assert out["month"] == "2020-11" and out["month_end"] == "2020-11-30"
    assert out["checks"] == []
    assert out["totals"][-1]["stage"] == "all"
    assert out["totals"][-1]["suspected"] == len({c.person_id for c in scanned})
    assert out["columns"]["school_age"] == "适龄儿童少年数"

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["月报", "核查结果"]
    sheet = book["月报"]
    assert sheet["A1"].value == "榆阳区控辍保学月报（2020年11月）"
    assert "A1:Q1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.freeze_panes == "C4"
    headers = [c.value for c in sheet[3]]
    assert headers[:4] == ["乡镇（街道）", "学段", "适龄儿童少年数", "在校生数"]
    data = list(sheet.iter_rows(min_row=4, values_only=True))
    grand = next(r for r in data if r[0] == "全县合计")
    assert grand[2] == out["totals"][-1]["school_age"]
    assert grand[headers.index("疑似辍学")] == out["totals"][-1]["suspected"]
    rows = [
        r
        for r in data
        if r[0] and not str(r[0]).startswith("全县") and not str(r[0]).startswith("核查")
    ]
    assert len(rows) == len(out["rows"])
    assert sum(r[2] for r in rows) == grand[2]
    checks = book["核查结果"]
    assert checks["A1"].value == "核查项" and checks["B2"].value == "与学籍库、建档立卡名册一致"


def test_the_text_lists_disagreements_and_strict_exits_non_zero(
    county: None, tmp_path: Path, capsys: pytest.CaptureFixture
):
    call_command("retention", "report", "--month", "2020-11", "--strict")
    clean = capsys.readouterr().out
    assert "榆阳区 控辍保学月报 2020-11" in clean and "no disagreement" in clean

    household = Household.objects.filter(poverty_status="registered").first()
    Household.objects.filter(pk=household.pk).update(poverty_status="exited")
    path = tmp_path / "report.xlsx"
    call_command("retention", "report", "--month", "2020-11", "--xlsx", str(path))
    text = capsys.readouterr().out
    assert "household_status_not_from_register" not in text  # the text shows the Chinese title
    assert "户的贫困状态与建档立卡名册最近一次导入不一致" in text and household.number in text
    sheet = openpyxl.load_workbook(path)["核查结果"]
    assert "household_status_not_from_register" in [c.value for c in sheet["A"]]

    with pytest.raises(CommandError):
        call_command("retention", "report", "--month", "2020-11", "--strict")
