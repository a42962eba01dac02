"""The review queue in a real browser: a county aid officer accepts a pending pair; an auditor reads
the queue, has no buttons, and a forged decision is refused with 403.

The pair is written directly, as in ``matching/test_review.py`` (the linkage engine normally writes
it): the disability record of 刘阳 (no ID on it) proposed for the pupil 刘洋.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from matching.findings_county import load
from notoneless.matching.models import CandidatePair, MatchRun, RecordKind
from notoneless.registry.models import DisabilityRecord
from web.county import County, build_county

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DISABILITY = """残疾证号,姓名,性别,出生日期,残疾类别,残疾等级,乡镇,村
D0001,刘阳,男,2012-08-08,肢体,三级,鱼河镇,鱼河村
"""


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


@pytest.fixture
def county(transactional_db: None, fast_passwords: None, tmp_path: Path) -> County:
    return build_county(tmp_path)


@pytest.fixture
def candidate(county: County, tmp_path: Path) -> CandidatePair:
    load(tmp_path, "disability", DISABILITY)
    record = DisabilityRecord.objects.get(name="刘阳")
    return CandidatePair.objects.create(
        run=MatchRun.objects.create(started_at=timezone.now()),
        record_kind=RecordKind.DISABILITY,
        record_id=record.pk,
        person=county.person("刘洋"),
        match_probability=0.71,
        match_weight=1.9,
        evidence={"name": "pinyin equal", "birth_date": "exact"},
        status=CandidatePair.Status.PENDING,
    )


def open_queue(log_in: Any, username: str) -> Any:
    page = log_in(username)
    page.goto(reverse("matching_review"))
    assert page.title().startswith(zh("Review queue"))
    return page


def test_an_aid_officer_accepts_a_pair_and_it_leaves_the_queue_linked(county, candidate, log_in):
    page = open_queue(log_in, "aid_officer")
    card = page.locator(f"#pair-{candidate.pk}")

    # side by side: the register record on the left, the person on the right, same row
    record_side, person_side = card.locator(".grid > div").all()
    left, right = record_side.bounding_box(), person_side.bounding_box()
    assert left and right and left["x"] + left["width"] <= right["x"]
    assert abs(left["y"] - right["y"]) < 1
    assert "刘阳" in record_side.inner_text() and "刘洋" in person_side.inner_text()
    # masked IDs only: the full number is neither shown nor hidden in the markup
    assert county.person("刘洋").id_number_masked in person_side.inner_text()
    assert county.id_number("刘洋") not in page.content()
    assert county.id_number("刘洋") not in page.inner_text("body")

    accept = card.locator('button[name="decision"][value="accept"]')
    assert accept.inner_text() == zh("Same child")
    card.locator('input[name="note"]').fill("同一人")
    with page.expect_navigation():
        accept.click()

    assert page.url.endswith(reverse("matching_review"))
    assert page.locator('[role="status"]').inner_text() == zh("Decision recorded.")
    assert page.locator(f"#pair-{candidate.pk}").count() == 0
    assert zh("Nothing awaits review.") in page.inner_text("main")
    record = DisabilityRecord.objects.get(pk=candidate.record_id)
    assert (record.person_id, record.link_method) == (county.person("刘洋").pk, "manual")
    candidate.refresh_from_db()
    assert (candidate.status, candidate.note) == (CandidatePair.Status.ACCEPTED, "同一人")


def test_an_auditor_sees_the_pair_without_buttons_and_a_forged_decision_is_refused(
    county, candidate, log_in
):
    page = open_queue(log_in, "auditor")
    card = page.locator(f"#pair-{candidate.pk}")
    decide_url = reverse("matching_decide", args=[candidate.pk])

    assert "刘阳" in card.inner_text()
    assert card.locator("button").count() == 0
    assert page.locator(f'form[action="{decide_url}"]').count() == 0

    # the same POST the officer's button sends, with the page's own CSRF token
    with page.expect_navigation() as navigation:
        page.evaluate(
            """([action]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                const fields = {
                    csrfmiddlewaretoken: document.querySelector("input[name=csrfmiddlewaretoken]").value,
                    decision: "accept",
                };
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            [decide_url],
        )

    response = navigation.value
    assert response is not None and response.status == 403
    candidate.refresh_from_db()
    assert candidate.status == CandidatePair.Status.PENDING
    assert DisabilityRecord.objects.get(pk=candidate.record_id).person_id is None
    page.goto(reverse("matching_review"))
    assert page.locator(f"#pair-{candidate.pk}").count() == 1
