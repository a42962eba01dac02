"""A small county built the way users build it: CSV files in the import layouts, through ``import_file``.

Test modules use the ``county`` fixture (re-exported by ``conftest.py``).

Two townships: 鱼河镇 (A) with a central primary school and its teaching point, and 上盐湾镇 (B) with
one primary school. Some children of township A study in township B's school: 刘洋 (hukou village in A)
and 赵磊 (household village in A). Personas cover every role; ``County.client(name)`` logs one in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from notoneless.accounts.models import Role, User
from notoneless.lib.resident_id import check_character
from notoneless.registry.imports import import_file
from notoneless.registry.models import Division, Person, School, Student

TERM = "2020-autumn"
PASSWORD = "a long test password 一个都不能少"

COUNTY = "610802000000"
TOWNSHIP_A, TOWNSHIP_B = "610802100000", "610802101000"
SCHOOL_A, POINT_A, SCHOOL_B = "6108020001", "6108020002", "6108020003"


def resident_id(birth: str, serial: str, region: str = "610802") -> str:
    """A valid 18-character ID: region, birth date (YYYYMMDD), 3-digit serial, check character."""
    first17 = region + birth + serial
    return first17 + check_character(first17)


# name -> (ID, school code, hukou village, hukou township, household number)
CHILDREN = {
    "张伟": (resident_id("20120305", "011"), SCHOOL_A, "鱼河村", "鱼河镇", "H001"),
    "李娜": (resident_id("20130611", "022"), POINT_A, "王沙沟村", "鱼河镇", ""),
    "王芳": (resident_id("20121120", "042"), SCHOOL_B, "盐湾村", "上盐湾镇", "H003"),
    "刘洋": (resident_id("20120808", "051"), SCHOOL_B, "鱼河村", "鱼河镇", ""),
    "赵磊": (resident_id("20130102", "073"), SCHOOL_B, "刘家沟村", "上盐湾镇", "H002"),
}

DIVISIONS = f"""区划代码,名称,级别,上级区划代码
{COUNTY},榆阳区,县,
{TOWNSHIP_A},鱼河镇,乡镇,{COUNTY}
610802100201,鱼河村,村,{TOWNSHIP_A}
610802100202,王沙沟村,村,{TOWNSHIP_A}
{TOWNSHIP_B},上盐湾镇,乡镇,{COUNTY}
610802101201,盐湾村,村,{TOWNSHIP_B}
610802101202,刘家沟村,村,{TOWNSHIP_B}
"""

SCHOOLS = f"""学校标识码,学校名称,办学类型,学段,乡镇,城乡类型,是否寄宿,学费标准,中心校标识码
{SCHOOL_A},鱼河镇中心小学,小学,小学,鱼河镇,镇区,是,0,
{POINT_A},王沙沟教学点,教学点,小学,鱼河镇,乡村,否,0,{SCHOOL_A}
{SCHOOL_B},上盐湾镇中心小学,小学,小学,上盐湾镇,乡村,否,0,
"""


def _households() -> str:
    head_a = resident_id("19850417", "013")
    head_b = resident_id("19800921", "035")
    head_c = resident_id("19830210", "057")
    rows = [
        f"H001,张建国,户主,张建国,{head_a},男,1985-04-17,鱼河镇,鱼河村,未脱贫,2016,",
        f"H001,张建国,之子,张伟,{CHILDREN['张伟'][0]},男,2012-03-05,鱼河镇,鱼河村,未脱贫,2016,",
        f"H002,赵建军,户主,赵建军,{head_b},男,1980-09-21,鱼河镇,王沙沟村,未脱贫,2015,",
        f"H002,赵建军,之子,赵磊,{CHILDREN['赵磊'][0]},男,2013-01-02,鱼河镇,王沙沟村,未脱贫,2015,",
        f"H003,王建华,户主,王建华,{head_c},男,1983-02-10,上盐湾镇,盐湾村,已脱贫,2014,2019",
        f"H003,王建华,之女,王芳,{CHILDREN['王芳'][0]},女,2012-11-20,上盐湾镇,盐湾村,已脱贫,2014,2019",
    ]
    header = "户编号,户主姓名,与户主关系,姓名,身份证号,性别,出生日期,乡镇,村,贫困户状态,识别年度,脱贫年度"
    return "\n".join([header, *rows]) + "\n"


def students_csv() -> str:
    header = (
        "学籍号,姓名,性别,身份证号,出生日期,民族,学校标识码,学校名称,年级,班级,是否寄宿,"
        "户口性质,户籍村,乡镇,监护人姓名,监护人身份证号,监护人电话,家庭困难等级,户编号"
    )
    school_names = {
        SCHOOL_A: "鱼河镇中心小学",
        POINT_A: "王沙沟教学点",
        SCHOOL_B: "上盐湾镇中心小学",
    }
    rows = []
    for i, (name, (id_number, school, village, township, household)) in enumerate(CHILDREN.items()):
        sex = "男" if int(id_number[16]) % 2 else "女"
        birth = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
        hardship = "特别困难" if household else ""
        rows.append(
            f"G{id_number},{name},{sex},{id_number},{birth},汉族,{school},{school_names[school]},"
            f"二年级,2班,否,农村,{village},{township},家长{i},,1391234567{i},{hardship},{household}"
        )
    return "\n".join([header, *rows]) + "\n"


@dataclass
class County:
    users: dict[str, User] = field(default_factory=dict)

    def user(self, persona: str) -> User:
        return self.users[persona]

    def client(self, persona: str) -> Client:
        client = Client()
        client.force_login(self.users[persona])
        return client

    @staticmethod
    def school(code: str) -> School:
        return School.objects.get(code=code)

    @staticmethod
    def student(name: str) -> Student:
        return Student.objects.select_related("person").get(person__name=name)

    @staticmethod
    def person(name: str) -> Person:
        return Person.objects.get(name=name, student__isnull=False)

    @staticmethod
    def id_number(name: str) -> str:
        return CHILDREN[name][0]


def import_csv(tmp_path: Path, kind: str, text: str, acting_user: User, term: str = TERM) -> None:
    path = tmp_path / (f"{kind}.csv" if term == TERM else f"{kind}-{term}.csv")
    path.write_text(text, encoding="utf-8")
    result = import_file(
        kind, path, acting_user=acting_user, term=term if kind == "students" else None
    )
    issues = result.log.frame().to_dicts() if result.log else []
    assert result.ok and result.errors == 0, f"{kind} import failed: {result.outcome} {issues}"


def _make_users() -> dict[str, User]:
    """Personas; the school and township roles point at the imported school or township."""
    school_a, school_b = School.objects.get(code=SCHOOL_A), School.objects.get(code=SCHOOL_B)
    township_a = Division.objects.get(code=TOWNSHIP_A)
    specs: dict[str, tuple[str, dict[str, object]]] = {
        "county_admin": (Role.COUNTY_ADMIN, {}),
        "aid_officer": (Role.AID_OFFICER, {}),
        "auditor": (Role.AUDITOR, {}),
        "officer_a": (Role.SCHOOL_OFFICER, {"school": school_a}),
        "officer_b": (Role.SCHOOL_OFFICER, {"school": school_b}),
        "teacher_a": (Role.TEACHER, {"school": school_a}),
        "township_a": (Role.TOWNSHIP_OFFICER, {"township": township_a}),
    }
    users = {
        username: User.objects.create_user(username, password=PASSWORD, role=role, **scope)
        for username, (role, scope) in specs.items()
    }
    users["superuser"] = User.objects.create_superuser("root", password=PASSWORD)
    return users


def build_county(tmp_path: Path) -> County:
    """Import divisions, schools, the poverty register and the term's student register, as a clerk."""
    clerk = User.objects.create_superuser("clerk", password=PASSWORD, role=Role.COUNTY_ADMIN)
    import_csv(tmp_path, "divisions", DIVISIONS, clerk)
    import_csv(tmp_path, "schools", SCHOOLS, clerk)
    import_csv(tmp_path, "households", _households(), clerk)
    import_csv(tmp_path, "students", students_csv(), clerk)
    return County(_make_users())


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county(db: None, tmp_path: Path, settings: Any) -> County:
    settings.PASSWORD_HASHERS = FAST_HASHERS  # the real hasher takes 0.2 s per account
    return build_county(tmp_path)
