"""The aid explanation in a real browser, in Chinese: 己初中 (town hukou, urban dibao) gets no
non-boarding subsidy, and the page says it is for rural (农村) families."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from aid.county import TERM, AidCounty, build
from notoneless.aid.compute import compute_term

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NON_BOARDING = "义务教育家庭经济困难非寄宿生生活补助"


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


@pytest.fixture
def aid_county(transactional_db: None, fast_passwords: None, tmp_path: Path) -> AidCounty:
    county = build(tmp_path)
    compute_term(term_code=TERM, acting_user=county.user("compiler"))
    return county


def test_the_explanation_says_in_chinese_why_an_urban_dibao_pupil_gets_no_non_boarding_subsidy(
    aid_county, log_in
):
    student = aid_county.student("己初中")
    page = log_in("compiler")

    page.goto(reverse("aid_explain", args=[TERM, student.pk]))

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == f"己初中 · {zh('Why aid applies or not')}"
    row = page.locator("table.aid-verdicts tbody tr", has_text=NON_BOARDING)
    assert row.count() == 1
    assert row.locator(".aid-answer").inner_text() == zh("no")
    assert zh("no") != "no"  # the page is translated, not English
    why = row.locator(f'td[data-label="{zh("Why")}"]').inner_text()
    assert "农村" in why
    assert "城市低保" in page.locator("dl.facts").inner_text()
