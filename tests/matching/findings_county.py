"""Registers for the findings, review and page tests, on top of the web tests' county (two townships,
five pupils in 2020 autumn; the ``county`` fixture), each loaded through ``import_file``.

Extra children (none of them on a student roster):
- 孙小明: on the household register of 鱼河村 (township A), of compulsory age: out of school.
- 周小红: on the household register, studying outside the county (a record with her ID).
- 吴小刚: on the household register without an ID; the record of studying elsewhere has his name and
  birth date.
- 钱小宝: on the household register, three years old: not yet of school age.
- 郑小花: a member of registered-poor household H004 (盐湾村, township B), of compulsory age: out of school;
  also on the household register with the same ID, so one lead, not two.
"""

from __future__ import annotations

from pathlib import Path

from notoneless.accounts.models import User
from web.county import TERM, import_csv, resident_id

SUN = resident_id("20110501", "031")
ZHOU = resident_id("20100315", "042")
ZHENG = resident_id("20100601", "062")

HUKOU = f"""姓名,身份证号,性别,出生日期,乡镇,村,监护人姓名
张伟,{resident_id("20120305", "011")},男,2012-03-05,鱼河镇,鱼河村,张建国
孙小明,{SUN},男,2011-05-01,鱼河镇,鱼河村,孙大山
周小红,{ZHOU},女,2010-03-15,鱼河镇,王沙沟村,周大海
吴小刚,,男,2012-07-07,鱼河镇,王沙沟村,吴大河
钱小宝,{resident_id("20180101", "071")},男,2018-01-01,鱼河镇,鱼河村,钱大路
郑小花,{ZHENG},女,2010-06-01,上盐湾镇,盐湾村,郑建民
"""

POOR_HOUSEHOLD = f"""户编号,户主姓名,与户主关系,姓名,身份证号,性别,出生日期,乡镇,村,贫困户状态,识别年度,脱贫年度
H004,郑建民,户主,郑建民,{resident_id("19800101", "013")},男,1980-01-01,上盐湾镇,盐湾村,未脱贫,2016,
H004,郑建民,之女,郑小花,{ZHENG},女,2010-06-01,上盐湾镇,盐湾村,未脱贫,2016,
"""

ELSEWHERE = f"""姓名,身份证号,出生日期,乡镇,村,就读学校,就读地,证明材料
周小红,{ZHOU},2010-03-15,鱼河镇,王沙沟村,西安市雁塔区第一小学,西安市,学籍证明
吴小刚,,2012-07-07,鱼河镇,王沙沟村,榆林市第二小学,榆林市,借读证明
"""


def load(tmp_path: Path, kind: str, text: str, term: str = TERM) -> None:
    """Import a CSV as the county clerk."""
    import_csv(tmp_path, kind, text, User.objects.get(username="clerk"), term=term)
