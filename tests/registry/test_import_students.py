from __future__ import annotations

from datetime import date

import pytest

from notoneless.audit.models import AuditEntry
from notoneless.registry.models import (
    Enrollment,
    Guardian,
    ImportRun,
    Person,
    School,
    Student,
    StudentNumber,
)
from notoneless.registry.protection import decrypt, lookup_hash

from .conftest import LI, STUDENT_HEADER, WANG, ZHANG, student_rows

pytestmark = pytest.mark.django_db


def roster(*rows: str) -> str:
    return "\n".join([STUDENT_HEADER, *rows]) + "\n"


def test_divisions_and_schools_are_imported_with_their_links(county):
    point = School.objects.get(code="6108020003")
    assert point.central_school is not None and point.central_school.code == "6108020002"
    assert point.township.name == "鱼河镇"
    assert School.objects.get(code="6108020006").tuition_per_term_fen == 80050
    assert School.objects.get(code="6108020001").stage_list == ["primary"]


def test_students_are_imported_with_enrolment_guardian_and_protected_values(enrolled):
    assert Student.objects.count() == 3
    zhang = Person.objects.get(id_number_hash=lookup_hash(ZHANG))
    assert zhang.name_norm == "张伟" and zhang.name_pinyin == "zhang wei"
    assert zhang.birth_date == date(2014, 3, 5) and zhang.sex == "M"
    assert zhang.id_number_masked == ZHANG[:6] + "********" + ZHANG[-4:]
    assert ZHANG not in zhang.id_number_enc and decrypt(zhang.id_number_enc) == ZHANG
    enrolment = Enrollment.objects.get(student__person=zhang)
    assert (enrolment.stage, enrolment.grade, enrolment.class_name) == ("primary", 1, "1班")
    assert enrolment.term.code == "2020-autumn"
    guardian = Guardian.objects.get(person=zhang)
    assert guardian.phone_masked == "138****1234" and decrypt(guardian.phone_enc) == "13800001234"
    wang = Person.objects.get(name="王芳")
    assert wang.id_status == "missing" and wang.student.hardship_grade == "special"
    assert Enrollment.objects.get(student__person=wang).stage == "senior"


def test_reimporting_the_same_file_changes_nothing_and_says_so(enrolled, run_import):
    again = run_import("students", roster(*student_rows()))
    assert again.outcome == "imported"
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 3)
    assert Student.objects.count() == 3 and Enrollment.objects.count() == 3


def test_a_changed_row_is_updated_and_counted(enrolled, run_import):
    rows = student_rows()
    rows[0] = rows[0].replace(",1班,", ",2班,")
    again = run_import("students", roster(*rows))
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 1, 2)
    assert Enrollment.objects.get(student__person__name="张伟").class_name == "2班"


def test_student_number_change_with_previous_number_keeps_one_person(county, run_import):
    first = roster(*student_rows())
    assert run_import("students", first).outcome == "imported"
    header = STUDENT_HEADER + ",原学籍号"
    rows = [r + "," for r in student_rows()[:2]]
    rows.append(
        f"G{WANG},王芳,女,{WANG},20050101,回族,6108020004,高一,1班,是,农村,鱼河村,,王军,,,特别困难,L1234567"
    )
    result = run_import("students", "\n".join([header, *rows]) + "\n")
    assert result.outcome == "imported", result.as_dict()
    assert result.counts.created == 0 and result.counts.updated == 1
    wang = Person.objects.get(name="王芳")
    assert Person.objects.filter(name="王芳").count() == 1
    assert wang.id_status == "ok"
    former = StudentNumber.objects.get(student__person=wang)
    assert (former.kind, former.number_masked, decrypt(former.number_enc)) == (
        "L",
        "L1234567",
        "L1234567",
    )
    assert wang.student.student_number_masked.startswith("G610802")
    # The old number still finds the student: re-importing the old roster makes no second person.
    again = run_import("students", first)
    assert again.outcome == "imported" and Person.objects.filter(name="王芳").count() == 1


def test_every_bad_row_is_reported_and_nothing_is_written(county, run_import):
    bad_check = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")
    rows = [
        f"G{ZHANG},张伟,男,{bad_check},2014-03-05,汉族,6108020001,一年级,1班,否,城镇,,,,,,",
        f"G{LI},李娜,女,{LI},2012-01-01,汉族,6108020002,二年级,2班,是,农村,,,,,,",
        f"G{LI},李娜二,女,,2013-06-11,汉族,9999999999,二年级,2班,是,农村,,,,,,",
        "L1,王芳,女,,2005-01-01,回族,6108020004,十三年级,1班,是,农村,,,,,,",
    ]
    result = run_import("students", roster(*rows))
    assert result.outcome == "refused"
    issues = result.log.frame().filter(result.log.frame()["severity"] == "error")
    found = {(r["row"], r["column"]) for r in issues.iter_rows(named=True)}
    assert (2, "身份证号") in found  # check character
    assert (3, "出生日期") in found  # birth date disagrees with the ID
    assert (3, "学籍号") in found and (4, "学籍号") in found  # duplicate student number
    assert (4, "学校标识码") in found  # unknown school
    assert (5, "年级") in found  # unreadable grade
    assert Student.objects.count() == 0 and Person.objects.count() == 0
    values = " ".join(v or "" for v in issues["value"].to_list())
    assert ZHANG not in values and bad_check not in values and LI not in values


def test_partial_imports_only_the_good_rows(county, run_import):
    rows = [*student_rows(), "L9,赵六,男,,2014-01-01,汉族,9999999999,一年级,1班,否,城镇,,,,,,"]
    result = run_import("students", roster(*rows), partial=True)
    assert result.outcome == "partial" and result.counts.created == 3
    assert Student.objects.count() == 3


def test_dry_run_counts_but_writes_nothing(county, run_import):
    result = run_import("students", roster(*student_rows()), dry_run=True)
    assert result.outcome == "dry_run" and result.counts.created == 3
    assert Student.objects.count() == 0


def test_each_import_is_recorded_and_audited(enrolled):
    run = ImportRun.objects.filter(kind="students").get()
    assert (run.outcome, run.rows, run.created) == ("imported", 3, 3)
    assert AuditEntry.objects.filter(action="import.students", object_id=str(run.pk)).exists()


def test_traditional_and_english_headers_and_gb18030_are_accepted(county, write_file):
    from notoneless.registry.imports import import_file

    header = "學籍號,姓名,性別,身份證號,出生日期,學校標識碼,年級"
    rows = [f"G{ZHANG},張偉,男,{ZHANG},2014年3月5日,6108020001,一年級"]
    path = write_file("trad.csv", "\n".join([header, *rows]) + "\n", encoding="gb18030")
    result = import_file("students", path, term="2020-autumn")
    assert result.outcome == "imported", result.as_dict()
    assert Person.objects.get().name_norm == "张伟"
    english = (
        "student number,name,sex,id number,birth date,school code,grade\n"
        + f"G{LI},Li Na,F,{LI},20130611,6108020002,2\n"
    )
    result = import_file("students", write_file("en.csv", english), term="2020-autumn")
    assert result.outcome == "imported", result.as_dict()
    assert Enrollment.objects.get(student__person__name="Li Na").grade == 2
