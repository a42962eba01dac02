"""Care in a real browser: the school officer confirms the suggested helpers, then the helper (a
teacher's account tied to the teacher record) opens the pair from "my pairs" and logs a home visit
with a photo, on a phone-sized screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from care.county import add_care
from notoneless.care.models import Pairing, SupportEntry
from notoneless.registry.models import School
from web.county import SCHOOL_A, County, build_county

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def county(transactional_db: None, fast_passwords: None, tmp_path: Path, settings: Any) -> County:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    built = build_county(tmp_path)
    add_care(built, tmp_path)
    return built


def test_an_officer_confirms_suggested_helpers_and_a_teacher_logs_a_home_visit(
    county: County, tmp_path: Path, log_in: Any
):
    school = School.objects.get(code=SCHOOL_A)
    page = log_in("officer_a")
    page.goto(reverse("care_school", args=[school.pk]))
    page.click(f'a[href="{reverse("care_suggest", args=[school.pk])}"]')
    assert page.locator('input[name="pick"]').count() == 5
    with page.expect_navigation():
        page.click('button[name="confirm"]')
    assert page.locator("tr[data-child] a[href*='/care/pairs/']").count() == 5
    ours = Pairing.objects.get(person__name="张伟")
    assert ours.teacher.name == "王老师"  # the class's head teacher

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page = log_in("teacher_a")
    page.goto(reverse("care_index"))
    page.click(f'tr[data-pair="{ours.pk}"] a')
    page.select_option("#id_kind", "home_visit")
    # the date defaults to today: the pairing was confirmed today
    page.fill("#id_notes", "到家走访，与祖母交流")
    photo = tmp_path / "visit.png"
    photo.write_bytes(PNG)
    page.set_input_files("#id_attachments", str(photo))
    with page.expect_navigation():
        page.click(f'form[action="{reverse("care_log", args=[ours.pk])}"] button[type="submit"]')
    assert page.locator('li[data-kind="home_visit"]').count() == 1
    assert page.locator('li[data-kind="home_visit"] a').inner_text() == "visit.png"
    entry = SupportEntry.objects.get()
    assert (entry.kind, entry.teacher.name, entry.attachments.count()) == (
        "home_visit",
        "王老师",
        1,
    )
