"""The two-township county of ``web.county`` with what publicity needs on top: two more registered-poor
households in township B (H004 with a school-age child who is no student, known only from the poverty
register; H005 with adults only), a township officer for township B, the term's aid computed, and short
helpers that go through the app's actions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from notoneless.accounts.models import Role, User
from notoneless.aid.compute import compute_term
from notoneless.outreach import actions
from notoneless.outreach.models import Visit
from notoneless.registry.models import Division, Household, Term
from web.county import PASSWORD, TERM, TOWNSHIP_B, County, import_csv, resident_id

HEADER = (
    "户编号,户主姓名,与户主关系,姓名,身份证号,性别,出生日期,乡镇,村,贫困户状态,识别年度,脱贫年度"
)


def more_households(county: County, tmp_path: Path) -> None:
    rows = [
        f"H004,孙有田,户主,孙有田,{resident_id('19780312', '015')},男,1978-03-12,上盐湾镇,盐湾村,未脱贫,2016,",
        f"H004,孙有田,之子,孙强,{resident_id('20100501', '017')},男,2010-05-01,上盐湾镇,盐湾村,未脱贫,2016,",
        f"H005,周老汉,户主,周老汉,{resident_id('19480101', '019')},男,1948-01-01,上盐湾镇,刘家沟村,未脱贫,2016,",
        f"H005,周老汉,之妻,刘氏,{resident_id('19500202', '020')},女,1950-02-02,上盐湾镇,刘家沟村,未脱贫,2016,",
    ]
    import_csv(tmp_path, "households", "\n".join([HEADER, *rows]) + "\n", county.user("superuser"))
    township_b = Division.objects.get(code=TOWNSHIP_B)
    county.users["township_b"] = User.objects.create_user(
        "township_b", password=PASSWORD, role=Role.TOWNSHIP_OFFICER, township=township_b
    )


def compute_aid() -> None:
    compute_term(term_code=TERM, acting_user=None)


def household(number: str) -> Household:
    return Household.objects.select_related("village__parent").get(number=number)


def term() -> Term:
    return Term.objects.get(code=TERM)


def visit(
    county: County,
    number: str,
    persona: str = "township_a",
    *,
    day: date = date(2020, 10, 12),
    answers: dict[str, str] | None = None,
) -> Visit:
    return actions.record_visit(
        household=household(number),
        visited_on=day,
        visitors="乡镇教育专干 王干事",
        answers=answers or {},
        acting_user=county.user(persona),
    )


def deliver(county: County, number: str, day: date = date(2020, 10, 20)) -> Any:
    return actions.record_delivery(
        household=household(number),
        term=term(),
        delivered_on=day,
        delivered_by="王干事",
        acting_user=county.user("township_a"),
    )
