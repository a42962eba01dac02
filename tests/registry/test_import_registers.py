"""The external registers and the files that hang off the student register."""

from __future__ import annotations

import pytest

from notoneless.registry.models import (
    AssistanceRecord,
    BankAccount,
    DisabilityRecord,
    Household,
    HukouRecord,
    Person,
    PovertyMember,
    StudyElsewhereRecord,
    Teacher,
)
from notoneless.retention.models import Absence

from .conftest import LI, ZHANG, make_id

pytestmark = pytest.mark.django_db
MING = make_id("610802", "20100101", "001")
MING_TYPO = MING[:-1] + ("0" if MING[-1] != "0" else "1")
HOUSEHOLDS = f"""户编号,户主姓名,与户主关系,姓名,身份证号,性别,出生日期,乡镇,村,贫困户状态,识别年度,脱贫年度,是否监测对象
H001,李强,户主,李强,,男,1980-01-01,鱼河镇,鱼河村,已脱贫,2014,2019,否
H001,李强,之女,李娜,{LI},女,2013-06-11,鱼河镇,鱼河村,已脱贫,2014,2019,否
H001,李强,之子,李明,{MING_TYPO},男,2010-01-01,鱼河镇,鱼河村,已脱贫,2014,2019,否
"""


def test_poverty_register_links_members_by_valid_id_and_keeps_typos_for_matching(
    enrolled, run_import
):
    result = run_import("households", HOUSEHOLDS)
    assert result.outcome == "imported" and result.errors == 0 and result.warnings == 1
    household = Household.objects.get(number="H001")
    assert (household.poverty_status, household.registered_year, household.exit_year) == (
        "exited",
        2014,
        2019,
    )
    assert household.history.count() == 1
    li = Person.objects.get(name="李娜")
    assert li.household == household and li.relation_to_head == "之女"
    typo = PovertyMember.objects.get(name="李明")
    assert typo.id_status == "invalid" and typo.person is None
    assert PovertyMember.objects.get(name="李娜").link_method == "exact_id"


def test_a_status_change_is_kept_in_the_household_history(enrolled, run_import):
    run_import("households", HOUSEHOLDS)
    again = run_import("households", HOUSEHOLDS.replace("已脱贫", "未脱贫").replace(",2019,", ",,"))
    assert again.outcome == "imported"
    statuses = list(Household.objects.get().history.values_list("poverty_status", flat=True))
    assert statuses == ["exited", "registered"]


def test_assistance_marks_orphans_and_household_dibao(enrolled, run_import):
    run_import("households", HOUSEHOLDS)
    text = f"""类别,姓名,身份证号,性别,出生日期,乡镇,村,户编号
农村低保,李娜,{LI},女,,鱼河镇,鱼河村,H001
孤儿,張偉,{ZHANG},男,,鼓楼街道,新楼社区,
"""
    result = run_import("assistance", text)
    assert result.outcome == "imported" and AssistanceRecord.objects.count() == 2
    assert Household.objects.get().dibao == "rural"
    zhang = Person.objects.get(name="张伟")
    assert zhang.orphan is True
    assert AssistanceRecord.objects.get(category="orphan").name_norm == "张伟"


def test_disability_takes_the_id_from_the_certificate(enrolled, run_import):
    text = f"残疾证号,姓名,身份证号,性别,出生日期,残疾类别,残疾等级,乡镇,村\n{ZHANG}71,张伟,,男,,智力,二级,鼓楼街道,新楼社区\n"
    result = run_import("disability", text)
    assert result.outcome == "imported", result.as_dict()
    record = DisabilityRecord.objects.get()
    assert (record.disability_type, record.disability_grade, record.link_method) == (
        "intellectual",
        2,
        "exact_id",
    )
    assert Person.objects.get(name="张伟").disabled is True
    assert record.certificate_masked == ZHANG[:6] + "*" * 10 + (ZHANG + "71")[-4:]


def test_hukou_and_studying_elsewhere_are_kept_as_register_records(enrolled, run_import):
    hukou = "姓名,身份证号,性别,出生日期,乡镇,村,户籍地址,监护人姓名,户口性质\n赵小二,,男,2012/5/6,鱼河镇,鱼河村,,赵大,农村\n"
    assert run_import("hukou", hukou).outcome == "imported"
    record = HukouRecord.objects.get()
    assert (
        record.id_status == "missing"
        and record.village is not None
        and record.guardian_name_norm == "赵大"
    )
    elsewhere = (
        "姓名,身份证号,性别,出生日期,乡镇,村,就读学校,就读地,学段,年级,证明材料\n"
        "孙丽,,女,2011-02-02,鱼河镇,鱼河村,西安市某小学,陕西省西安市,小学,四年级,学籍证明\n"
    )
    assert run_import("enrolled-elsewhere", elsewhere).outcome == "imported"
    assert StudyElsewhereRecord.objects.get().grade == 4


def test_bank_accounts_need_a_known_student_and_are_masked(enrolled, run_import):
    text = f"""学籍号,学生姓名,开户行,户名,卡号,持卡人关系,持卡人身份证号
G{LI},李娜,中国农业银行,李强,6228480012345678901,监护人,
G999999999999999999,无名,中国农业银行,某人,6228480012345678902,本人,
"""
    refused = run_import("bank-accounts", text)
    assert refused.outcome == "refused" and BankAccount.objects.count() == 0
    partial = run_import("bank-accounts", text, partial=True)
    assert partial.outcome == "partial"
    account = BankAccount.objects.get()
    assert (
        account.card_number_masked == "622848*********8901"
        and account.holder_relation == "guardian"
    )


def test_attendance_refuses_two_statuses_for_one_day(enrolled, run_import):
    text = f"""学籍号,姓名,学校标识码,日期,考勤状态
G{LI},李娜,6108020002,2020-11-02,旷课
G{LI},李娜,6108020002,2020-11-02,病假
"""
    result = run_import("attendance", text)
    assert result.outcome == "refused" and Absence.objects.count() == 0
    ok = run_import("attendance", text.replace("2020-11-02,病假", "2020-11-03,病假"))
    assert ok.outcome == "imported" and Absence.objects.count() == 2


def test_teachers_are_placed_at_their_school(enrolled, run_import):
    teacher_id = make_id("610802", "19800101", "003")
    text = (
        f"姓名,身份证号,性别,出生日期,学校标识码,任教学科,学历,职称,岗位,联系电话\n"
        f"刘老师,{teacher_id},男,1980-01-01,6108020001,语文、音乐,本科,一级教师,专任教师,13700001111\n"
    )
    assert run_import("teachers", text).outcome == "imported"
    teacher = Teacher.objects.get()
    assert teacher.subjects == "语文,音乐" and teacher.school.code == "6108020001"


def test_a_late_registration_region_code_is_a_warning_not_an_error(enrolled, run_import):
    late = make_id("370116", "20150101", "001")  # 莱芜区 exists only since 2018
    text = f"姓名,身份证号,性别,出生日期,乡镇,村\n赵小三,{late},男,2015-01-01,鱼河镇,鱼河村\n"
    result = run_import("hukou", text)
    assert result.outcome == "imported"
    reasons = result.log.frame()["reason_en"].to_list()
    assert any("after the birth year" in r for r in reasons)
    assert HukouRecord.objects.get().id_status == "ok"
