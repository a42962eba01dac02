"""The two-township county of ``tests/web/county.py`` with what care needs, built through the imports:
teachers for both schools, a head teacher for 鱼河镇中心小学's 二年级2班 in the responsibility table, and
more children of that school (left-behind, single-parent) in two classes. ``teacher_a``'s account is tied
to the head teacher's record, as the administrator would tie it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from notoneless.accounts.models import Role, User
from notoneless.registry.models import Person, Teacher
from web.county import PASSWORD, SCHOOL_A, SCHOOL_B, County, import_csv, resident_id

__all__ = ["Care", "add_care"]

TEACHERS = {  # name -> (ID, school)
    "王老师": (resident_id("19850101", "013"), SCHOOL_A),  # head teacher of 二年级2班
    "陈老师": (resident_id("19860202", "024"), SCHOOL_A),
    "周老师": (resident_id("19870303", "035"), SCHOOL_A),
    "孙老师": (resident_id("19880404", "046"), SCHOOL_B),
}

# name -> (ID, class, left-behind, single-parent), all at 鱼河镇中心小学, 二年级
MORE_CHILDREN = {
    "马小龙": (resident_id("20120401", "111"), "2班", True, False),
    "高小红": (resident_id("20120502", "122"), "2班", True, False),
    "杨小军": (resident_id("20120603", "131"), "2班", False, True),
    "吴小梅": (resident_id("20120704", "142"), "1班", True, False),
    "郑小刚": (resident_id("20120805", "151"), "1班", False, False),  # in no group
}


def teachers_csv() -> str:
    header = "姓名,身份证号,性别,出生日期,学校标识码,任教学科,学历,职称,岗位,联系电话"
    rows = []
    for name, (id_number, school) in TEACHERS.items():
        sex = "男" if int(id_number[16]) % 2 else "女"
        birth = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
        rows.append(
            f"{name},{id_number},{sex},{birth},{school},语文,本科,一级教师,专任教师,13912340000"
        )
    return "\n".join([header, *rows]) + "\n"


def more_students_csv() -> str:
    header = (
        "学籍号,姓名,性别,身份证号,出生日期,民族,学校标识码,学校名称,年级,班级,是否寄宿,"
        "户口性质,户籍村,乡镇,是否留守儿童,是否单亲"
    )
    rows = []
    for name, (id_number, klass, left_behind, single) in MORE_CHILDREN.items():
        sex = "男" if int(id_number[16]) % 2 else "女"
        birth = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
        rows.append(
            f"G{id_number},{name},{sex},{id_number},{birth},汉族,{SCHOOL_A},鱼河镇中心小学,二年级,"
            f"{klass},否,农村,鱼河村,鱼河镇,{'是' if left_behind else '否'},{'是' if single else '否'}"
        )
    return "\n".join([header, *rows]) + "\n"


RESPONSIBLES = f"""职责,镇/村,所属乡镇,学校标识码,年级,班级,姓名,电话
班主任,,,{SCHOOL_A},二年级,2班,王老师,
"""


@dataclass
class Care:
    county: County

    def user(self, persona: str) -> User:
        return self.county.user(persona)

    @staticmethod
    def teacher(name: str) -> Teacher:
        return Teacher.objects.get(name=name)

    @staticmethod
    def person(name: str) -> Person:
        return Person.objects.get(name=name, student__isnull=False)

    def teacher_account(self, name: str) -> User:
        """A teacher's account tied to the teacher record (made on first use)."""
        teacher = self.teacher(name)
        account = User.objects.filter(teacher=teacher).first()
        if account is None:
            account = User.objects.create_user(
                f"t{teacher.pk}",
                password=PASSWORD,
                role=Role.TEACHER,
                school=teacher.school,
                teacher=teacher,
            )
        return account


def add_care(county: County, tmp_path: Path) -> Care:
    """Import the teachers, the head teacher and the further children; tie ``teacher_a`` to 王老师."""
    clerk = county.user("superuser")
    import_csv(tmp_path, "teachers", teachers_csv(), clerk)
    import_csv(tmp_path, "responsibles", RESPONSIBLES, clerk)
    import_csv(tmp_path, "students", more_students_csv(), clerk)
    teacher_a = county.user("teacher_a")
    teacher_a.teacher = Teacher.objects.get(name="王老师")
    teacher_a.save(update_fields=["teacher"])
    return Care(county)
