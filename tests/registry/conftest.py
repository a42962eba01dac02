"""A two-township county built through the import, as users build theirs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from notoneless.lib.resident_id import check_character
from notoneless.registry.imports import ImportResult, import_file

DIVISIONS = """区划代码,名称,级别,上级区划代码
610802000000,榆阳区,县,
610802001000,鼓楼街道,街道,610802000000
610802101000,鱼河镇,镇,610802000000
610802101001,鱼河村,村,610802101000
610802001001,新楼社区,社区,610802001000
"""
SCHOOLS = """学校标识码,学校名称,办学类型,学段,乡镇,城乡类型,是否寄宿,学费标准,中心校标识码
6108020001,榆阳区第一小学,小学,小学,鼓楼街道,城区,否,0,
6108020002,鱼河镇中心小学,小学,,鱼河镇,乡村,是,0,
6108020003,鱼河镇某教学点,教学点,,鱼河镇,乡村,否,0,6108020002
6108020004,榆阳区第一中学,高级中学,高中,鼓楼街道,城区,是,900,
6108020005,榆阳区职业中学,中等职业学校,中职,鼓楼街道,城区,是,1000,
6108020006,鼓楼幼儿园,幼儿园,学前,鼓楼街道,城区,否,800.50,
"""
STUDENT_HEADER = (
    "学籍号,姓名,性别,身份证号,出生日期,民族,学校标识码,年级,班级,是否寄宿,户口性质,户籍村,乡镇,"
    "监护人姓名,监护人身份证号,监护人电话,家庭困难等级"
)


def make_id(region: str, birth: str, serial: str) -> str:
    first17 = region + birth + serial
    return first17 + check_character(first17)


ZHANG = make_id("610802", "20140305", "123")
LI = make_id("610802", "20130611", "002")
WANG = make_id("610802", "20050101", "004")


def student_rows() -> list[str]:
    return [
        f"G{ZHANG},张伟,男,{ZHANG},2014-03-05,汉族,6108020001,一年级,1班,否,城镇,新楼社区,鼓楼街道,张大伟,,13800001234,",
        f"G{LI},李娜,女,{LI},2013/6/11,汉族,6108020002,二年级,2班,是,农村,鱼河村,鱼河镇,李强,,13900002222,困难",
        "L1234567,王芳,女,,20050101,回族,6108020004,高一,1班,是,农村,鱼河村,,王军,,,特别困难",
    ]


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def run_import(write_file: Callable[..., Path]) -> Callable[..., ImportResult]:
    def run(kind: str, text: str, name: str | None = None, **options: object) -> ImportResult:
        path = write_file(name or f"{kind}.csv", text)
        options.setdefault("term", "2020-autumn")
        return import_file(kind, path, **options)  # type: ignore[arg-type]

    return run


@pytest.fixture
def county(run_import: Callable[..., ImportResult]) -> None:
    for kind, text in (("divisions", DIVISIONS), ("schools", SCHOOLS)):
        result = run_import(kind, text)
        assert result.outcome == "imported", result.as_dict()


@pytest.fixture
def enrolled(county: None, run_import: Callable[..., ImportResult]) -> ImportResult:
    result = run_import("students", "\n".join([STUDENT_HEADER, *student_rows()]) + "\n")
    assert result.outcome == "imported", result.as_dict()
    return result
