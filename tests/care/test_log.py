"""The support log: entries by the pair's helper with photos or signed forms (a file that is not a photo
or PDF, or too large, refuses the entry and stores nothing), and the overdue flags of the frequency
rules (a contact a month, a home visit a term), for the helper and the school."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notoneless.care import selectors
from notoneless.care.actions import log_support, pair
from notoneless.care.care_rules import load_rules
from notoneless.care.errors import CareRefused
from notoneless.care.models import SupportAttachment, SupportEntry
from notoneless.care.overdue import overdue

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"x" * 200


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def pairing(care):
    return pair(
        person=care.person("张伟"),
        teacher=care.teacher("王老师"),
        acting_user=care.user("officer_a"),
        started_on=date(2020, 9, 1),
    )


def test_the_helper_logs_a_home_visit_with_a_photo_and_a_signed_form(care, pairing, media):
    entry = log_support(
        pairing=pairing,
        kind="home_visit",
        on=date(2020, 10, 12),
        notes="与祖母谈心，孩子学习有进步",
        files=[SimpleUploadedFile("visit.jpg", PNG), SimpleUploadedFile("签字表.pdf", PDF)],
        acting_user=care.user("teacher_a"),
    )
    assert entry.teacher.name == "王老师" and entry.person.name == "张伟"
    kept = {a.original_name: a for a in entry.attachments.all()}
    assert {n: a.kind for n, a in kept.items()} == {"visit.jpg": "png", "签字表.pdf": "pdf"}
    assert len(stored_files(media)) == 2
    assert (media / kept["签字表.pdf"].path).read_bytes() == PDF


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.txt", b"just some text, not a photo"), "only photos"),
        (
            SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024)),
            "over 10 MB",
        ),
    ],
)
def test_a_bad_attachment_refuses_the_entry_and_stores_nothing(
    care, pairing, media, upload, message
):
    with pytest.raises(CareRefused, match=message):
        log_support(
            pairing=pairing,
            kind="study_help",
            on=date(2020, 10, 12),
            notes="",
            files=[SimpleUploadedFile("good.png", PNG), upload],
            acting_user=care.user("teacher_a"),
        )
    assert not SupportEntry.objects.exists()
    assert not SupportAttachment.objects.exists()
    assert stored_files(media) == []


def test_only_the_pairs_helper_logs_and_only_within_the_pairing(care, pairing, media):
    other = care.teacher_account("陈老师")
    with pytest.raises(CareRefused, match="only the pair's helper"):
        log_support(
            pairing=pairing, kind="motivation", on=date(2020, 10, 1), notes="", acting_user=other
        )
    with pytest.raises(CareRefused, match="only the pair's helper"):
        log_support(
            pairing=pairing,
            kind="motivation",
            on=date(2020, 10, 1),
            notes="",
            acting_user=care.user("officer_a"),
        )
    with pytest.raises(CareRefused, match="outside the pairing"):
        log_support(
            pairing=pairing,
            kind="motivation",
            on=date(2020, 8, 1),
            notes="",
            acting_user=care.user("teacher_a"),
        )
    with pytest.raises(CareRefused, match="kind"):
        log_support(
            pairing=pairing,
            kind="gift",
            on=date(2020, 10, 1),
            notes="",
            acting_user=care.user("teacher_a"),
        )
    assert not SupportEntry.objects.exists()


def test_a_pair_without_contact_for_a_whole_month_is_overdue_for_the_helper_and_the_school(
    care, pairing
):
    helper, officer, other = care.user("teacher_a"), care.user("officer_a"), care.user("officer_b")
    log_support(
        pairing=pairing, kind="emotional_care", on=date(2020, 9, 20), notes="", acting_user=helper
    )
    # September had a contact: on time through October
    assert selectors.overdue_pairs(officer, date(2020, 10, 31)) == []
    # October went by without one
    late = selectors.overdue_pairs(officer, date(2020, 11, 15))
    assert [(v.pairing.pk, v.late) for v in late] == [(pairing.pk, ("contact",))]
    assert [v.pairing.pk for v in selectors.my_pairs(helper, date(2020, 11, 15)) if v.late] == [
        pairing.pk
    ]
    assert selectors.overdue_pairs(other, date(2020, 11, 15)) == []
    # a contact in November makes up for it
    log_support(
        pairing=pairing, kind="study_help", on=date(2020, 11, 16), notes="", acting_user=helper
    )
    assert selectors.overdue_pairs(officer, date(2020, 11, 20)) == []


def test_a_new_pair_is_not_overdue_before_a_whole_month_has_passed(care):
    made = pair(
        person=care.person("马小龙"),
        teacher=care.teacher("陈老师"),
        acting_user=care.user("officer_a"),
        started_on=date(2020, 10, 15),
    )
    assert selectors.overdue_pairs(care.user("officer_a"), date(2020, 11, 30)) == []
    late = selectors.overdue_pairs(care.user("officer_a"), date(2020, 12, 1))
    assert [v.pairing.pk for v in late] == [made.pk]


def test_a_term_without_a_home_visit_is_overdue_by_the_rules():
    rules = load_rules()
    terms = [(date(2020, 3, 1), date(2020, 7, 10)), (date(2020, 9, 1), date(2021, 1, 20))]
    pairs = [(1, date(2020, 2, 20)), (2, date(2020, 2, 20)), (3, date(2020, 9, 1))]
    entries = [
        (1, "study_help", date(2020, 9, 30)),
        (2, "home_visit", date(2020, 5, 10)),
        (2, "motivation", date(2020, 9, 30)),
        (3, "motivation", date(2020, 9, 30)),
    ]
    late = overdue(pairs, entries, as_of=date(2020, 10, 15), terms=terms, rules=rules)
    # pair 1 had no home visit in the spring term; pair 2 had one; pair 3 was not paired then
    assert late == {1: ["home_visit"]}
