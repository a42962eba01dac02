"""The assignment table (控辍保学责任人): imported as the ``responsibles`` kind, re-imported without change,
bad rows named by row and column, and ``people_for`` naming both lines and the family for a child."""

from __future__ import annotations

from pathlib import Path

import pytest

from notoneless.registry.imports import ImportResult, import_file
from notoneless.registry.models import Division, Guardian, School, Student
from notoneless.registry.protection import decrypt, lookup_hash
from notoneless.retention.models import Responsible
from notoneless.retention.responsibles import class_key, people_for

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
SAMPLE = SAMPLES / "responsibles.csv"
LI = "G610802201306110028"  # 李娜, 鱼河镇中心小学 二年级 2班, guardian 李强 (samples/students.csv)
HEADER = "职责,镇/村,所属乡镇,学校标识码,年级,班级,姓名,电话"


def run(tmp_path: Path, kind: str, text: str, name: str | None = None) -> ImportResult:
    path = tmp_path / (name or f"{kind}.csv")
    path.write_text(text, encoding="utf-8")
    return import_file(kind, path, term="2020-autumn")


@pytest.fixture
def county() -> None:
    for kind in ("divisions", "schools", "students"):
        result = import_file(kind, SAMPLES / f"{kind}.csv", term="2020-autumn")
        assert result.outcome == "imported", result.as_dict()


def table() -> set[tuple[str, str | None, str | None, str, str]]:
    return {
        (r.duty, r.division and r.division.name, r.school and r.school.code, r.class_name, r.name)
        for r in Responsible.objects.select_related("division", "school")
    }


def test_the_sample_file_fills_the_table_with_places_schools_and_classes(county: None):
    result = import_file("responsibles", SAMPLE)

    assert result.outcome == "imported", result.as_dict()
    assert result.counts.created == 10
    got = table()
    assert ("township_head", "鱼河镇", None, "", "高建国") in got
    assert ("bureau_contact", "鱼河镇", None, "", "刘明") in got  # by division code
    assert ("first_secretary", "鱼河村", None, "", "赵文") in got
    assert ("village_head", "新楼社区", None, "", "陈霞") in got
    assert ("principal", None, "6108020002", "", "马林") in got
    assert ("head_teacher", None, "6108020002", "二年级2班", "杨丽") in got
    head = Responsible.objects.get(name="杨丽")
    assert decrypt(head.phone_enc) == "13700008888"
    assert head.phone_hash == lookup_hash("13700008888")
    assert head.phone_masked == "137****8888"
    assert Responsible.objects.get(name="李有发").phone_enc == ""


def test_re_importing_the_same_file_changes_nothing(county: None):
    import_file("responsibles", SAMPLE)
    before = list(Responsible.objects.order_by("pk").values())

    again = import_file("responsibles", SAMPLE)

    assert again.outcome == "imported"
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 10)
    assert list(Responsible.objects.order_by("pk").values()) == before


def test_a_changed_phone_updates_the_one_row(county: None, tmp_path: Path):
    import_file("responsibles", SAMPLE)
    text = SAMPLE.read_text(encoding="utf-8").replace("13700008888", "13811112222")

    result = run(tmp_path, "responsibles", text)

    assert (result.counts.created, result.counts.updated) == (0, 1)
    assert Responsible.objects.get(name="杨丽").phone_masked == "138****2222"


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(county: None, tmp_path: Path):
    text = "\n".join(
        [
            HEADER,
            "镇长,鱼河镇,,,,,高建国,13700001111",  # row 2: fine
            "乡村振兴专员,鱼河镇,,,,,某某,",  # row 3: unknown duty
            "村委会主任,不存在村,,,,,李忠,",  # row 4: unknown village
            "镇长,鱼河村,,,,,王五,",  # row 5: a village for a township duty
            "校长,,,6108029999,,,马林,",  # row 6: unknown school
            "班主任,,,6108020002,二年级,,杨丽,",  # row 7: head teacher without class
            "村民小组长,鱼河村,,,,,,",  # row 8: missing name
            "第一书记,,,,,,赵文,",  # row 9: no place
        ]
    )

    result = run(tmp_path, "responsibles", text + "\n")

    assert result.outcome == "refused"
    assert Responsible.objects.count() == 0
    errors = {
        (i["row"], i["column"]) for i in result.as_dict()["issues"] if i["severity"] == "error"
    }
    assert errors == {
        (3, "职责"),
        (4, "镇/村"),
        (5, "镇/村"),
        (6, "学校标识码"),
        (7, "班级"),
        (8, "姓名"),
        (9, "镇/村"),
    }


def test_a_village_name_is_found_within_its_township_and_a_code_by_its_level(
    county: None, tmp_path: Path
):
    text = "\n".join(
        [
            HEADER,
            "驻村工作队员,610802101001,,,,,王平,",
            "村委会主任,新楼社区,鼓楼街道,,,,陈霞,",
            "教体局联系人,鼓楼街道,,,,,刘明,",
        ]
    )
    result = run(tmp_path, "responsibles", text + "\n")

    assert result.outcome == "imported", result.as_dict()
    assert {(d, v) for d, v, *_ in table()} == {
        ("task_force", "鱼河村"),
        ("village_head", "新楼社区"),
        ("bureau_contact", "鼓楼街道"),
    }


def test_a_class_is_keyed_with_its_grade():
    assert class_key("primary", 3, "1班") == "三年级1班"
    assert class_key("junior", 7, "2班") == "七年级2班"
    assert class_key("senior", 1, "1班") == "高一1班"
    assert class_key("preschool", 3, "1班") == "大班1班"
    assert class_key("primary", 3, "三年级1班") == "三年级1班"
    assert class_key(None, None, "1班") == "1班"


def test_people_for_a_child_names_both_lines_and_the_guardian(county: None):
    assert import_file("responsibles", SAMPLE).outcome == "imported"
    li = Student.objects.get(student_number_hash=lookup_hash(LI))
    village = Division.objects.get(name="鱼河村")
    school = School.objects.get(code="6108020002")

    people = people_for(
        person_id=li.person_id, school_id=school.pk, class_name="2班", village_id=village.pk
    )

    named = [(p.line, p.duty, p.name) for p in people]
    assert named == [
        ("administrative", "township_head", "高建国"),
        ("administrative", "village_head", "李忠"),
        ("administrative", "group_leader", "李有发"),
        ("administrative", "task_force", "王平"),
        ("administrative", "first_secretary", "赵文"),
        ("education", "bureau_contact", "刘明"),
        ("education", "principal", "马林"),
        ("education", "head_teacher", "杨丽"),
        ("family", "guardian", "李强"),
    ]
    guardian = Guardian.objects.get(person_id=li.person_id)
    assert people[-1].phone_masked == guardian.phone_masked != ""
    head = people[-2]
    assert decrypt(head.phone_enc) == "13700008888" and head.phone_masked == "137****8888"


def test_people_for_does_not_name_another_grade_s_head_teacher(county: None):
    import_file("responsibles", SAMPLE)
    li = Student.objects.get(student_number_hash=lookup_hash(LI))
    school = School.objects.get(code="6108020002")

    in_grade_two = people_for(person_id=li.person_id, school_id=school.pk, class_name="2班")
    asked_for_grade_five = people_for(
        school_id=school.pk, class_name="2班", stage="primary", grade=5
    )

    assert "杨丽" in {p.name for p in in_grade_two}
    assert "杨丽" not in {p.name for p in asked_for_grade_five}
    # the school's township comes with the school when no place is given
    assert {p.duty for p in asked_for_grade_five} == {
        "township_head",
        "bureau_contact",
        "principal",
    }


def test_people_for_a_never_enrolled_child_names_the_village_and_township_only(county: None):
    import_file("responsibles", SAMPLE)
    village = Division.objects.get(name="新楼社区")

    people = people_for(village_id=village.pk)

    assert [(p.duty, p.name) for p in people] == [("village_head", "陈霞")]
