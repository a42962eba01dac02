"""A teacher records a home-teaching session (送教上门) from a phone-sized page: from the list of their
children to the child's form, all six elements (teacher and student and plan given by the page, class
hours, lesson plan, record-book entry typed in) and the guardian's code; the session is stored."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from inclusion.build import home_plan
from notoneless.inclusion.models import Session
from web.county import County, build_county

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def county(transactional_db: None, fast_passwords: None, tmp_path: Path) -> County:
    return build_county(tmp_path)


def test_a_teacher_records_a_session_on_a_phone_with_all_six_elements(
    county: County, tmp_path: Path, log_in: Any, settings: Any
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    plan, code = home_plan(county, tmp_path)
    page = log_in("teacher_a")
    page.set_viewport_size(PHONE)

    page.goto(reverse("inclusion_index"))
    page.click(
        f'#my-children li[data-plan="{plan.pk}"] a[href="{reverse("inclusion_session", args=[plan.pk])}"]'
    )
    assert page.locator('[data-element="student"]').inner_text() == "张伟"
    assert page.locator('[data-element="teacher"]').inner_text() == "陈静"
    assert "1" in page.locator('[data-element="plan"]').inner_text()

    page.fill("#id_held_on", "2020-11-03")
    page.fill("#id_class_hours", "2.5")
    page.fill("#id_lesson_plan", "认识颜色：红黄蓝；串珠练习")
    page.fill("#id_record_entry", "能说出三种颜色，串珠10颗")
    page.fill("#id_confirmation_code", code)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_navigation():
        page.click('button[name="record"][value="held"]')

    assert page.locator("tr[data-session]").count() == 1
    held = Session.objects.get()
    assert (held.person_id, held.teacher.name, held.version.number) == (plan.person_id, "陈静", 1)
    assert (held.class_hours, held.confirmation) == (Decimal("2.5"), "code")
    assert held.lesson_plan.startswith("认识颜色") and held.record_entry.startswith("能说出")
