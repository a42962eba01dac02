"""Inclusion data built the way users build it: the disability register and the teachers' register
imported as CSV (disability records with an ID are linked to their person at import), then placements,
plans and sessions through the actions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from notoneless.inclusion import actions
from notoneless.inclusion.models import Placement, Plan, PlanVersion, Session
from notoneless.registry.models import Teacher
from web.county import CHILDREN, SCHOOL_A, SCHOOL_B, County, import_csv, resident_id

PROPOSED_ON = date(2020, 11, 1)
DECIDED_ON = date(2020, 11, 1)
PLAN_FROM = date(2020, 11, 2)  # a Monday
COMMITTEE = ["王主任（教体局）", "李医生（县医院）", "赵老师（特教学校）"]
ADULT_ID = resident_id("19850417", "013")  # 张建国, the father of 张伟: disabled, not of school age


def disability_csv() -> str:
    rows = [
        ("张伟", "男", "智力", "二级"),  # grade 2 intellectual: home or special school
        ("王芳", "女", "肢体", "四级"),  # mild physical: regular class
        ("李娜", "女", "听力", "一级"),  # grade 1 hearing: special school
    ]
    lines = ["残疾证号,姓名,身份证号,性别,出生日期,残疾类别,残疾等级,乡镇,村"]
    for name, sex, kind, grade in rows:
        id_number = CHILDREN[name][0]
        birth = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
        cert = f"{id_number}{'5' if kind == '智力' else '4'}{'2'}"
        lines.append(f"{cert},{name},{id_number},{sex},{birth},{kind},{grade},鱼河镇,鱼河村")
    lines.append(f"{ADULT_ID}41,张建国,{ADULT_ID},男,1985-04-17,肢体,一级,鱼河镇,鱼河村")
    return "\n".join(lines) + "\n"


TEACHERS = {
    "陈静": (resident_id("19880312", "024"), SCHOOL_A),
    "孙磊": (resident_id("19900705", "031"), SCHOOL_A),
    "周敏": (resident_id("19870101", "046"), SCHOOL_B),
}


def teachers_csv() -> str:
    lines = ["姓名,身份证号,性别,出生日期,学校标识码,任教学科,学历,职称,岗位,联系电话"]
    for i, (name, (id_number, school)) in enumerate(TEACHERS.items()):
        sex = "男" if int(id_number[16]) % 2 else "女"
        birth = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
        lines.append(
            f"{name},{id_number},{sex},{birth},{school},语文,本科,一级教师,专任教师,1380000000{i}"
        )
    return "\n".join(lines) + "\n"


def load_registers(county: County, tmp_path: Path) -> None:
    """The disability and teachers' registers; teacher_a's account is 陈静's."""
    clerk = county.user("superuser")
    import_csv(tmp_path, "disability", disability_csv(), clerk)
    import_csv(tmp_path, "teachers", teachers_csv(), clerk)
    user = county.user("teacher_a")
    user.teacher = teacher("陈静")
    user.save(update_fields=["teacher"])


def teacher(name: str) -> Teacher:
    return Teacher.objects.get(name=name)


def propose(county: County, name: str = "张伟") -> Placement:
    return actions.propose_placement(
        person=county.person(name), acting_user=county.user("officer_a"), on=PROPOSED_ON
    )


def decide(
    county: County, placement: Placement, setting: str = "home", decided_on: date = DECIDED_ON
) -> Placement:
    return actions.decide_placement(
        placement=placement,
        setting=setting,
        committee_members=COMMITTEE,
        reason="二级智力残疾，行动不便，家长希望在家接受教育",
        guardian_name="张建国",
        guardian_consent=True,
        consent_on=decided_on,
        decided_on=decided_on,
        acting_user=county.user("county_admin"),
    )


SCHEDULE = [
    {"weekday": 2, "start": "09:00", "hours": 3},
    {"weekday": 4, "start": "09:00", "hours": 3},
]


def plan_version(
    county: County,
    placement: Placement,
    valid_from: date = PLAN_FROM,
    teachers: tuple[str, ...] = ("陈静",),
    goals: str = "生活自理：自己穿衣、洗手；认读常用汉字20个",
) -> PlanVersion:
    return actions.save_plan_version(
        placement=placement,
        goals=goals,
        teachers=[teacher(n) for n in teachers],
        schedule=SCHEDULE,
        valid_from=valid_from,
        review_on=date(valid_from.year + 1, 1, 15),
        acting_user=county.user("officer_a"),
    )


def home_plan(county: County, tmp_path: Path) -> tuple[Plan, str]:
    """张伟 placed at home by the committee, his plan (version 1, 陈静) and the guardian's code."""
    load_registers(county, tmp_path)
    placement = decide(county, propose(county))
    version = plan_version(county, placement)
    code = actions.issue_code(plan=version.plan, acting_user=county.user("officer_a"))
    return version.plan, code


def session(
    county: County,
    plan: Plan,
    code: str,
    held_on: date,
    hours: str = "3",
    persona: str = "teacher_a",
) -> Session:
    return actions.record_session(
        acting_user=county.user(persona),
        plan=plan,
        student=plan.person,
        teacher=teacher("陈静"),
        held_on=held_on,
        class_hours=Decimal(hours),
        lesson_plan="认识水果：苹果、香蕉；练习握笔",
        record_entry="完成识字练习，情绪稳定",
        confirmation_code=code,
    )


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60
PDF = b"%PDF-1.4\n" + b"0" * 60


def upload(name: str, content: bytes, kind: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=kind)
