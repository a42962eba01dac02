"""Phones in villages lose their connection: a home-visit form sent without one waits on the phone and
is sent, once, when the connection returns; what was typed survives a reload; an attendance tap
without a connection waits too and is recorded when the phone is back online."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from notoneless.outreach.models import Visit
from notoneless.registry.models import Student
from notoneless.retention.models import Absence
from outreach.outreach_county import household
from web.county import TERM, County, build_county

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 360, "height": 740}
DAY = "2020-11-02"  # a Monday of the autumn term 2020


@pytest.fixture
def county(transactional_db: None, fast_passwords: None, tmp_path: Path) -> County:
    return build_county(tmp_path)


def _eventually(check: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def _household_page(number: str) -> str:
    return f"{reverse('outreach_household', args=[household(number).pk])}?term={TERM}"


def test_a_visit_sent_without_a_connection_is_sent_once_when_it_returns(
    county: County, log_in: Any
):
    page = log_in("township_a")
    page.set_viewport_size(PHONE)
    page.goto(_household_page("H001"))
    form = page.locator("form.visit-form")
    form.locator("#id_visited_on").fill("2020-10-15")
    form.locator("#id_visitors").fill("鱼河镇教育专干 王干事")

    page.context.set_offline(True)
    form.locator('button[type="submit"]').click()
    page.wait_for_selector("#outbox-status:has-text('网络不通')")
    assert not Visit.objects.exists()

    page.context.set_offline(False)
    page.wait_for_selector("#outbox-status:has-text('已提交')")
    assert _eventually(lambda: Visit.objects.count() == 1)
    assert Visit.objects.get().visitors == "鱼河镇教育专干 王干事"

    page.reload()  # the outbox is empty and the draft gone: nothing is sent or restored again
    assert page.locator(".draft-restored").count() == 0
    page.wait_for_timeout(500)
    assert Visit.objects.count() == 1


def test_what_was_typed_comes_back_after_a_reload(county: County, log_in: Any):
    page = log_in("township_a")
    page.goto(_household_page("H001"))
    page.fill("form.visit-form #id_visitors", "李老师")
    page.reload()
    assert page.input_value("form.visit-form #id_visitors") == "李老师"
    assert page.locator("form.visit-form .draft-restored").count() == 1


def test_an_attendance_tap_without_a_connection_is_recorded_when_it_returns(
    county: County, log_in: Any
):
    page = log_in("teacher_a")
    page.set_viewport_size(PHONE)
    page.goto(f"{reverse('retention_attendance')}?date={DAY}")
    child = Student.objects.get(person__name="张伟")
    row = page.locator(f"li#s{child.pk}")

    page.context.set_offline(True)
    row.locator("button").click()
    page.wait_for_selector(f"li#s{child.pk}.att-pending")
    assert "待上传" in row.inner_text()
    assert not Absence.objects.exists()

    page.context.set_offline(False)
    assert _eventually(lambda: Absence.objects.filter(student=child).exists())
    assert Absence.objects.get(student=child).status == "unexcused"
