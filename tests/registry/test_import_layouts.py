"""Layouts of the national systems' exports: data files mapping their headers onto an import kind."""

from __future__ import annotations

import pytest

from notoneless.registry.imports import import_file
from notoneless.registry.imports.spec import LayoutError, _check_layout, layouts
from notoneless.registry.models import Enrollment, HardshipListRecord, Household, Person

from .conftest import LI, WANG, ZHANG, make_id

pytestmark = pytest.mark.django_db


def test_every_shipped_layout_names_a_real_kind_and_real_fields():
    shipped = layouts()
    assert {
        "national-aid-hardship-list",
        "student-register-export",
        "poverty-system-members",
        "dropout-control-suspects",
    } <= set(shipped)


def test_a_layout_naming_an_unknown_field_is_refused():
    with pytest.raises(LayoutError, match="no field 'shoe_size'"):
        _check_layout("bad.toml", {"kind": "students", "headers": {"鞋码": "shoe_size"}})


def test_the_national_hardship_list_links_by_id_or_by_student_number(enrolled, write_file):
    typo = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")
    text = (
        "2020年秋季学期建档立卡等困难学生比对名单,,,,,,\n"
        "序号,学生姓名,身份证件号,全国学籍号,学校名称,学段,困难类型\n"
        f"1,李娜,{LI},G{LI},鱼河镇中心小学,小学,建档立卡\n"
        f"2,张伟,{typo},G{ZHANG},榆阳区第一小学,小学,孤儿\n"
        "3,王芳,,L1234567,榆阳区第一中学,普通高中,特困供养\n"
        f"4,赵六,{make_id('610802', '20120101', '005')},,某小学,小学,残疾\n"
    )
    path = write_file("名单.csv", text)
    result = import_file("hardship-list", path, layout="national-aid-hardship-list")
    assert result.outcome == "imported", result.as_dict()
    records = {r.name: r for r in HardshipListRecord.objects.all()}
    assert records["李娜"].category == "registered_poor" and records["李娜"].person.name == "李娜"
    assert records["张伟"].id_status == "invalid" and records["张伟"].person.name == "张伟"
    assert records["王芳"].person.name == "王芳" and records["王芳"].stage == "senior"
    assert records["赵六"].person is None and records["赵六"].category == "disabled"
    assert {r.source for r in records.values()} == {"全国学生资助管理信息系统"}
    again = import_file("hardship-list", path, layout="national-aid-hardship-list")
    assert again.counts.unchanged == 4


def test_a_student_register_export_imports_with_its_own_headers(county, write_file):
    text = (
        "全国学籍号,姓名,性别,出生日期,身份证件号,学校标识码,年级,就读方式,监护人1姓名,监护人1联系电话\n"
        f"G{WANG},王芳,女,2005-01-01,{WANG},6108020004,高一,住校,王军,13900001111\n"
    )
    result = import_file(
        "students",
        write_file("学籍导出.csv", text),
        term="2020-autumn",
        layout="student-register-export",
    )
    assert result.outcome == "imported", result.as_dict()
    enrolment = Enrollment.objects.get()
    assert enrolment.boarding is True and enrolment.stage == "senior"
    assert Person.objects.get().guardians.get().phone_masked == "139****1111"


def test_a_poverty_system_export_below_title_rows(county, write_file):
    text = (
        "防返贫监测信息系统,,,,,,,\n导出时间：2020-11-30,,,,,,,\n"
        "户编号,户主姓名,姓名,证件号码,与户主关系,乡(镇),行政村,脱贫属性\n"
        f"6108021010010001,李强,李娜,{LI},之女,鱼河镇,鱼河村,脱贫不稳定户\n"
    )
    result = import_file(
        "households", write_file("脱贫户.csv", text), layout="poverty-system-members"
    )
    assert result.outcome == "imported", result.as_dict()
    assert Household.objects.get().poverty_status == "exited"


def test_an_unknown_layout_name_is_refused(county, write_file):
    result = import_file("students", write_file("x.csv", "学籍号\nG1\n"), layout="no-such-layout")
    assert result.outcome == "refused"
    assert "unknown layout" in result.log.frame()["reason_en"][0]
