"""A county built for aid tests through the same imports users run: one child per case of the default
pack (``CHILDREN``), the registers that make each case, and bank cards for most of those paid to a card.

``EXPECTED`` is what the shaanxi-2020 pack must give each child in 2020 autumn, in fen, worked out by hand
from the program table in the issue (yuan per year, half per term).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from notoneless.accounts.models import Role, User
from notoneless.registry.models import School, Student
from web.county import FAST_HASHERS, PASSWORD, import_csv, resident_id

TERM = "2020-autumn"
COUNTY = "610802000000"
TOWN = "610802100000"
K1, P1, J1, S1, V1 = "6108021001", "6108021002", "6108021003", "6108021004", "6108021005"

DIVISIONS = f"""区划代码,名称,级别,上级区划代码
{COUNTY},榆阳区,县,
{TOWN},鱼河镇,乡镇,{COUNTY}
610802100201,鱼河村,村,{TOWN}
610802100202,王沙沟村,村,{TOWN}
"""

SCHOOLS = f"""学校标识码,学校名称,办学类型,学段,乡镇,城乡类型,是否寄宿,学费标准
{K1},鱼河镇中心幼儿园,幼儿园,学前,鱼河镇,镇区,否,600
{P1},鱼河镇中心小学,小学,小学,鱼河镇,镇区,是,0
{J1},鱼河镇初级中学,初级中学,初中,鱼河镇,镇区,是,0
{S1},榆阳区第一高级中学,高级中学,高中,鱼河镇,城区,是,800
{V1},榆阳区职业中学,中等职业学校,中职,鱼河镇,城区,是,1000
"""


@dataclass(frozen=True)
class Child:
    id_serial: str
    birth: str
    school: str
    grade: str
    boarder: bool = False
    hukou: str = "农村"
    hardship: str = ""
    orphan: bool = False
    household: str = ""
    major: str = ""
    category: str = ""

    @property
    def id_number(self) -> str:
        return resident_id(self.birth, self.id_serial)


CHILDREN = {
    "甲幼儿": Child("011", "20150305", K1, "大班"),
    "乙幼儿": Child("021", "20170611", K1, "小班", household="H001"),
    "丙幼儿": Child("031", "20160120", K1, "中班", orphan=True),
    "丁小学": Child("041", "20100808", P1, "四年级", boarder=True, hardship="困难"),
    "戊小学": Child("051", "20120102", P1, "二年级"),
    "己初中": Child("061", "20070315", J1, "八年级", hukou="城镇"),
    "庚初中": Child("071", "20080420", J1, "七年级", boarder=True),
    "辛高中": Child("081", "20050510", S1, "高一", boarder=True, household="H002"),
    "壬高中": Child("091", "20040612", S1, "高二", boarder=True, hardship="一般困难"),
    "癸中职": Child(
        "101", "20050101", V1, "一年级", hukou="城镇", major="畜牧兽医", category="农林牧渔类"
    ),
    "子中职": Child("111", "20040202", V1, "二年级", major="舞蹈表演", category="文化艺术类"),
    "丑中职": Child(
        "121",
        "20030303",
        V1,
        "三年级",
        household="H003",
        major="汽车运用与维修",
        category="交通运输类",
    ),
}

# fen for 2020 autumn, per child and program (half the yearly yuan, times 100)
EXPECTED: dict[str, dict[str, int]] = {
    "甲幼儿": {"preschool_fee_waiver": 60_000},
    "乙幼儿": {"preschool_living": 37_500},
    "丙幼儿": {"preschool_living": 37_500, "preschool_fee_waiver": 60_000},
    "丁小学": {"compulsory_boarding": 50_000},
    "戊小学": {"compulsory_non_boarding": 25_000},
    "己初中": {},
    "庚初中": {"compulsory_boarding": 62_500},
    "辛高中": {"senior_grant": 125_000, "senior_tuition_waiver": 80_000},
    "壬高中": {"senior_grant": 75_000},
    "癸中职": {"vocational_grant": 100_000, "vocational_tuition_waiver": 100_000},
    "子中职": {},
    "丑中职": {"vocational_tuition_waiver": 100_000, "yulu": 150_000},
}
# 戊小学 is on the rural 低保 list but has no bank card: entitled, listed as blocked, never dropped.
NO_CARD = {"戊小学"}


def students_csv(term_children: dict[str, Child] | None = None) -> str:
    header = (
        "学籍号,姓名,性别,身份证号,出生日期,学校标识码,年级,班级,是否寄宿,户口性质,户籍村,乡镇,"
        "专业,专业类别,家庭困难等级,是否孤儿,户编号"
    )
    rows = []
    for name, c in (term_children or CHILDREN).items():
        sex = "男" if int(c.id_serial) % 2 else "女"
        birth = f"{c.birth[:4]}-{c.birth[4:6]}-{c.birth[6:]}"
        rows.append(
            f"G{c.id_number},{name},{sex},{c.id_number},{birth},{c.school},{c.grade},1班,"
            f"{'是' if c.boarder else '否'},{c.hukou},鱼河村,鱼河镇,{c.major},{c.category},"
            f"{c.hardship},{'是' if c.orphan else '否'},{c.household}"
        )
    return "\n".join([header, *rows]) + "\n"


def households_csv() -> str:
    heads = {
        "H001": ("19850417", "013", "乙幼儿"),
        "H002": ("19800921", "035", "辛高中"),
        "H003": ("19760210", "057", "丑中职"),
    }
    header = "户编号,户主姓名,与户主关系,姓名,身份证号,性别,出生日期,乡镇,村,贫困户状态,识别年度,脱贫年度"
    rows = []
    for number, (birth, serial, child) in heads.items():
        status, exit_year = ("已脱贫", "2019") if number == "H003" else ("未脱贫", "")
        head = f"户主{number}"
        rows.append(
            f"{number},{head},户主,{head},{resident_id(birth, serial)},男,"
            f"{birth[:4]}-{birth[4:6]}-{birth[6:]},鱼河镇,鱼河村,{status},2016,{exit_year}"
        )
        c = CHILDREN[child]
        rows.append(
            f"{number},{head},之子,{child},{c.id_number},男,"
            f"{c.birth[:4]}-{c.birth[4:6]}-{c.birth[6:]},鱼河镇,鱼河村,{status},2016,{exit_year}"
        )
    return "\n".join([header, *rows]) + "\n"


def assistance_csv() -> str:
    rows = [
        ("农村低保", "戊小学"),
        ("城市低保", "己初中"),
    ]
    header = "类别,姓名,身份证号,乡镇,村"
    return (
        "\n".join(
            [header, *(f"{cat},{n},{CHILDREN[n].id_number},鱼河镇,鱼河村" for cat, n in rows)]
        )
        + "\n"
    )


def disability_csv() -> str:
    c = CHILDREN["庚初中"]
    return (
        "残疾证号,姓名,身份证号,残疾类别,残疾等级\n"
        f"{c.id_number}41,庚初中,{c.id_number},肢体,三级\n"
    )


CARD_PREFIX = "6228480000000"


def card_number(i: int) -> str:
    return f"{CARD_PREFIX}{i:06d}"


def bank_accounts_csv() -> str:
    header = "学籍号,学生姓名,开户行,户名,卡号,持卡人关系,持卡人身份证号"
    rows = []
    for i, (name, c) in enumerate(CHILDREN.items()):
        if name in NO_CARD:
            continue
        holder = f"{name[0]}家长"
        rows.append(f"G{c.id_number},{name},中国农业银行,{holder},{card_number(i)},监护人,")
    return "\n".join([header, *rows]) + "\n"


@dataclass
class AidCounty:
    tmp_path: Path
    users: dict[str, User] = field(default_factory=dict)

    def user(self, persona: str) -> User:
        return self.users[persona]

    def client(self, persona: str) -> Client:
        client = Client()
        client.force_login(self.users[persona])
        return client

    @staticmethod
    def student(name: str) -> Student:
        return Student.objects.select_related("person").get(person__name=name)

    @staticmethod
    def school(code: str) -> School:
        return School.objects.get(code=code)

    def import_csv(self, kind: str, text: str, term: str = TERM) -> None:
        import_csv(self.tmp_path, kind, text, self.users["clerk"], term=term)


def _users() -> dict[str, User]:
    specs: dict[str, tuple[str, dict[str, Any]]] = {
        "compiler": (Role.AID_OFFICER, {}),
        "approver": (Role.AID_OFFICER, {}),
        "exporter": (Role.AID_OFFICER, {}),
        "auditor": (Role.AUDITOR, {}),
        **{
            f"officer_{code[-1]}": (Role.SCHOOL_OFFICER, {"school": School.objects.get(code=code)})
            for code in (K1, P1, J1, S1, V1)
        },
    }
    users = {
        name: User.objects.create_user(name, password=PASSWORD, role=role, **scope)
        for name, (role, scope) in specs.items()
    }
    return users


def build(tmp_path: Path) -> AidCounty:
    clerk = User.objects.create_superuser("clerk", password=PASSWORD, role=Role.COUNTY_ADMIN)
    county = AidCounty(tmp_path, {"clerk": clerk})
    county.import_csv("divisions", DIVISIONS)
    county.import_csv("schools", SCHOOLS)
    county.import_csv("households", households_csv())
    county.import_csv("students", students_csv())
    county.import_csv("assistance", assistance_csv())
    county.import_csv("disability", disability_csv())
    county.import_csv("bank-accounts", bank_accounts_csv())
    county.users.update(_users())
    return county


@pytest.fixture
def aid_county(db: None, tmp_path: Path, settings: Any) -> AidCounty:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return build(tmp_path)
