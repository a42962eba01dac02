"""A small county for the schools area, built through the same imports users run.

Two rural townships. 鱼河镇 (A): a central primary P1 (100 pupils, grades 1-5, 20 each), a nine-year
school N1 (50 primary pupils in grades 1-5, 40 junior in grades 7-8), a teaching point T1 of 12 pupils
(too small to be assessed) and a junior school J1 (60 pupils, grades 7-9). 上盐湾镇 (B): a primary P2
(50 pupils, grades 1-5) and the county's special school (2 pupils, never assessed). Every class is
"1班". Coordinates put A's schools within 10 km of each other and B 60 km away.

The figures are chosen so that each indicator of P1 can be checked by hand (see ``P1_EXPECTED``).
``County.client(persona)`` logs a persona in: county admin, auditor, aid officer, the officers of P1
and P2, the township officer of A, and a teacher of P1 tied to its teacher record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from notoneless.accounts.models import Role, User
from notoneless.registry.models import Division, School, Teacher
from web.county import FAST_HASHERS, PASSWORD, import_csv, resident_id

TERM = "2020-autumn"
COUNTY = "610802000000"
TOWN_A, TOWN_B = "610802100000", "610802101000"
P1, N1, T1, J1, P2, SP = (
    "6108021001",
    "6108021002",
    "6108021003",
    "6108021004",
    "6108021101",
    "6108021102",
)

DIVISIONS = f"""区划代码,名称,级别,上级区划代码
{COUNTY},榆阳区,县,
{TOWN_A},鱼河镇,乡镇,{COUNTY}
610802100201,鱼河村,村,{TOWN_A}
{TOWN_B},上盐湾镇,乡镇,{COUNTY}
610802101201,盐湾村,村,{TOWN_B}
"""

# code, name, type, township, locality, central, longitude, latitude
SCHOOL_ROWS = [
    (P1, "鱼河镇中心小学", "小学", "鱼河镇", "镇区", "", "109.700000", "38.100000"),
    (N1, "鱼河镇九年制学校", "九年一贯制学校", "鱼河镇", "乡村", "", "109.760000", "38.100000"),
    (T1, "王沙沟教学点", "教学点", "鱼河镇", "乡村", P1, "109.700000", "38.140000"),
    (J1, "鱼河镇初级中学", "初级中学", "鱼河镇", "镇区", "", "109.710000", "38.100000"),
    (P2, "上盐湾镇中心小学", "小学", "上盐湾镇", "镇区", "", "110.300000", "38.300000"),
    (SP, "榆阳区特殊教育学校", "特殊教育学校", "上盐湾镇", "镇区", "", "110.300000", "38.310000"),
]
SCHOOLS = (
    "学校标识码,学校名称,办学类型,乡镇,城乡类型,是否寄宿,学费标准,中心校标识码,经度,纬度\n"
    + "".join(
        f"{c},{n},{t},{town},{loc},否,0,{central},{lon},{lat}\n"
        for c, n, t, town, loc, central, lon, lat in SCHOOL_ROWS
    )
)

# school -> [(grade 1-9, pupils)]
ENROLMENT = {
    P1: [(g, 20) for g in range(1, 6)],
    N1: [(g, 10) for g in range(1, 6)] + [(7, 20), (8, 20)],
    T1: [(1, 4), (2, 4), (3, 4)],
    J1: [(7, 20), (8, 20), (9, 20)],
    P2: [(g, 10) for g in range(1, 6)],
    SP: [(3, 1), (8, 1)],
}
GRADE_LABELS = {g: f"{'一二三四五六七八九'[g - 1]}年级" for g in range(1, 10)}

# teacher key -> (school, subjects, qualification, post)
TEACHERS = {
    "p1_a": (P1, "语文", "本科", "校长"),
    "p1_b": (P1, "数学", "本科", "专任教师"),
    "p1_c": (P1, "语文", "本科", "专任教师"),
    "p1_d": (P1, "数学", "专科", "专任教师"),
    "p1_e": (P1, "体育", "专科", "专任教师"),
    "p1_f": (P1, "音乐", "中专", "专任教师"),
    "p1_g": (P1, "英语", "本科", "教辅人员"),  # not counted
    "p1_walk": (P1, "美术", "本科", "走教教师"),
    "n1_a": (N1, "语文", "本科", "专任教师"),
    "n1_b": (N1, "数学", "本科", "专任教师"),
    "n1_c": (N1, "物理", "研究生", "专任教师"),
    "t1_a": (T1, "语文", "专科", "专任教师"),
    "j1_a": (J1, "语文", "本科", "专任教师"),
    "j1_b": (J1, "数学", "专科", "专任教师"),
    "j1_pe": (J1, "体育", "本科", "走教教师"),
    "p2_a": (P2, "语文", "本科", "专任教师"),
    "p2_b": (P2, "数学", "本科", "专任教师"),
    "sp_a": (SP, "特殊教育", "本科", "专任教师"),
}


def teacher_id(key: str) -> str:
    serial = f"{list(TEACHERS).index(key) + 1:03d}"
    return resident_id("19850101", serial, region="610802")


def teachers_csv() -> str:
    lines = ["姓名,身份证号,学校标识码,任教学科,学历,岗位"]
    for key, (school, subjects, qualification, post) in TEACHERS.items():
        lines.append(f"教师{key},{teacher_id(key)},{school},{subjects},{qualification},{post}")
    return "\n".join(lines) + "\n"


def students_csv() -> str:
    lines = ["学籍号,姓名,性别,身份证号,出生日期,学校标识码,年级,班级"]
    serial = 0
    for school, grades in ENROLMENT.items():
        for grade, pupils in grades:
            born = f"{2020 - 6 - grade + 1}0301"
            for _ in range(pupils):
                serial += 1
                number = resident_id(born, f"{serial % 1000:03d}", region="610802")
                birth = f"{born[:4]}-{born[4:6]}-{born[6:]}"
                lines.append(
                    f"G{number},学生{serial},{'男' if serial % 2 else '女'},{number},{birth},"
                    f"{school},{GRADE_LABELS[grade]},1班"
                )
    return "\n".join(lines) + "\n"


# P1: 100 pupils. floor 520 m² → 5.2 (≥4.5); sports 600 → 6.0 (< 7.5, 80%: short); equipment
# 25万元 → 2,500 yuan (≥2,000); multimedia 3 → 3 per 100 (≥2.3).
CONDITIONS = f"""学校标识码,年度,教学及辅助用房面积（平方米）,体育运动场馆面积（平方米）,教学仪器设备值（万元）,网络多媒体教室（间）,图书（册）,计算机（台）
{P1},2020,520,600,25,3,3000,12
{N1},2020,600,1200,22.5,3,2500,10
{T1},2020,300,500,3,1,400,2
{J1},2020,400,700,12,2,1800,8
{P2},2020,300,400,11,2,1500,6
{SP},2020,200,300,5,1,100,2
"""

# P1's indicators by hand (counted posts: 校长, 专任教师, 走教教师; not 教辅人员):
# qualified (primary: 专科 or above): a b c d e walk = 6 → 6.0 per 100; backbone: p1_b → 1.0;
# PE and art: e (体育), f (音乐), walk (美术) = 3 → 3.0 per 100.
P1_EXPECTED = {
    "qualified_teachers": 6.0,
    "backbone_teachers": 1.0,
    "pe_art_teachers": 3.0,
    "floor_area": 5.2,
    "sports_ground": 6.0,
    "equipment_value": 2500.0,
    "multimedia_classrooms": 3.0,
}

HONOURS = f"""身份证号,荣誉类别,级别,年度
{teacher_id("p1_b")},骨干教师,区级,2020
{teacher_id("n1_a")},骨干教师,市级,2016
{teacher_id("p1_a")},名校长,市级,2019
"""

TRAVEL = f"""起点学校标识码,终点学校标识码,路程时间
{P1},{T1},25
"""


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
    def teacher(key: str) -> Teacher:
        return Teacher.objects.get(name=f"教师{key}")


def _users() -> dict[str, User]:
    p1, p2 = School.objects.get(code=P1), School.objects.get(code=P2)
    town_a = Division.objects.get(code=TOWN_A)
    specs: dict[str, tuple[str, dict[str, object]]] = {
        "county_admin": (Role.COUNTY_ADMIN, {}),
        "auditor": (Role.AUDITOR, {}),
        "aid_officer": (Role.AID_OFFICER, {}),
        "officer_p1": (Role.SCHOOL_OFFICER, {"school": p1}),
        "officer_p2": (Role.SCHOOL_OFFICER, {"school": p2}),
        "township_a": (Role.TOWNSHIP_OFFICER, {"township": town_a}),
        "walking_teacher": (
            Role.TEACHER,
            {"school": p1, "teacher": Teacher.objects.get(name="教师p1_walk")},
        ),
    }
    return {
        name: User.objects.create_user(name, password=PASSWORD, role=role, **scope)
        for name, (role, scope) in specs.items()
    }


def build(tmp_path: Path, *, conditions: bool = True) -> County:
    clerk = User.objects.create_superuser("clerk", password=PASSWORD, role=Role.COUNTY_ADMIN)
    for kind, text in (
        ("divisions", DIVISIONS),
        ("schools", SCHOOLS),
        ("students", students_csv()),
        ("teachers", teachers_csv()),
        ("honours", HONOURS),
        ("travel-times", TRAVEL),
    ):
        import_csv(tmp_path, kind, text, clerk)
    if conditions:
        import_csv(tmp_path, "school-conditions", CONDITIONS, clerk)
    return County(_users())


@pytest.fixture
def county(db: None, tmp_path: Path, settings: Any) -> County:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return build(tmp_path)
