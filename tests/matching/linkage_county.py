"""A county for matching tests, built through the imports: the web tests' county (two townships, five
children, a poverty register linked by ID) plus a twin on the student roster and registers whose rows
carry the noise real registers carry, so that only record linkage finds the child:

- poverty register: 刘洋 in a new household, ID with two neighbouring digits swapped;
- disability register: 李娜 with one digit of the certificate's ID mistyped;
- assistance (orphans): 王芳 with no ID;
- household register (户籍): 張偉 in traditional characters and 李纳 (a homophone of 李娜), neither with an ID;
- twins 李明 (enrolled) and 李亮 (not enrolled): same birth date, guardian and village, IDs differing in the
  serial and check character: 李亮's household-register row (valid ID) and assistance row (no ID) must
  never be linked to 李明.
"""

from __future__ import annotations

from pathlib import Path

from notoneless.accounts.models import User
from web.county import CHILDREN, County, build_county, import_csv, resident_id, students_csv

TWIN_BIRTH = "20120615"
LI_MING = resident_id(TWIN_BIRTH, "031")
LI_LIANG = resident_id(TWIN_BIRTH, "033")


def swap_neighbours(id_number: str, at: int) -> str:
    chars = list(id_number)
    chars[at], chars[at + 1] = chars[at + 1], chars[at]
    return "".join(chars)


def mistype(id_number: str, at: int) -> str:
    digit = str((int(id_number[at]) + 3) % 10)
    return id_number[:at] + digit + id_number[at + 1 :]


def roster_with_twin() -> str:
    """The web county's roster plus 李明 (鱼河村, guardian 李建军), whose twin 李亮 is not enrolled."""
    twin = (
        f"G{LI_MING},李明,男,{LI_MING},2012-06-15,汉族,6108020001,鱼河镇中心小学,二年级,2班,否,"
        "农村,鱼河村,鱼河镇,李建军,,13912345679,,"
    )
    return students_csv() + twin + "\n"


def households_csv() -> str:
    head = resident_id("19820101", "017")
    liu = swap_neighbours(CHILDREN["刘洋"][0], 9)
    header = "户编号,户主姓名,与户主关系,姓名,身份证号,性别,出生日期,乡镇,村,贫困户状态,识别年度,脱贫年度"
    return (
        f"{header}\nH004,刘建设,户主,刘建设,{head},男,1982-01-01,鱼河镇,鱼河村,未脱贫,2017,\n"
        f"H004,刘建设,之子,刘洋,{liu},男,2012-08-08,鱼河镇,鱼河村,未脱贫,2017,\n"
    )


def disability_csv() -> str:
    li_na = mistype(CHILDREN["李娜"][0], 15)
    return (
        "残疾证号,姓名,身份证号,性别,出生日期,残疾类别,残疾等级,乡镇,村\n"
        f"{li_na}42,李娜,{li_na},女,2013-06-11,视力,二级,鱼河镇,王沙沟村\n"
    )


def assistance_csv() -> str:
    return (
        "类别,姓名,身份证号,性别,出生日期,乡镇,村\n"
        "孤儿,王芳,,女,2012-11-20,上盐湾镇,盐湾村\n"
        "农村低保,李亮,,男,2012-06-15,鱼河镇,鱼河村\n"
    )


def hukou_csv() -> str:
    return (
        "姓名,身份证号,性别,出生日期,乡镇,村,户籍地址,监护人姓名,户口性质\n"
        "張偉,,男,2012-03-05,鱼河镇,鱼河村,鱼河村1组,家长0,农村\n"
        "李纳,,女,2013-06-11,鱼河镇,王沙沟村,王沙沟村2组,家长1,农村\n"
        f"李亮,{LI_LIANG},男,2012-06-15,鱼河镇,鱼河村,鱼河村3组,李建军,农村\n"
        f"李明,{LI_MING},男,2012-06-15,鱼河镇,鱼河村,鱼河村3组,李建军,农村\n"
    )


def build_matching_county(tmp_path: Path) -> County:
    county = build_county(tmp_path)
    clerk = User.objects.get(username="clerk")
    import_csv(tmp_path, "students", roster_with_twin(), clerk)
    import_csv(tmp_path, "households", households_csv(), clerk)
    import_csv(tmp_path, "disability", disability_csv(), clerk)
    import_csv(tmp_path, "assistance", assistance_csv(), clerk)
    import_csv(tmp_path, "hukou", hukou_csv(), clerk)
    return county
