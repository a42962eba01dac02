"""The writes of ``notoneless care`` from a terminal: a child's group corrected with the reason, a pairing
made (the load limit refused as on the page) and ended, support logged with attachments (a bad file
refuses the entry and stores nothing); each names its ``--user`` in the audit log."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from notoneless.audit.models import AuditEntry
from notoneless.care.actions import pair
from notoneless.care.models import GroupOverride, Pairing, SupportAttachment, SupportEntry
from web.county import SCHOOL_A

pytestmark = pytest.mark.django_db
DAY = date(2020, 9, 1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"x" * 200


def care_cli(*args: str) -> str:
    out = StringIO()
    call_command("care", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def pairing(care) -> Pairing:
    return pair(
        person=care.person("张伟"),
        teacher=care.teacher("王老师"),
        acting_user=care.user("officer_a"),
        started_on=DAY,
    )


# --- groups ----------------------------------------------------------------------------------------


def test_a_school_officer_adds_a_child_to_a_group_by_name_and_school_with_the_reason(care):
    out = care_cli(
        "groups", "add", "郑小刚", "--school", SCHOOL_A, "--group", "left_behind",
        "--reason", "父母外出务工", "--user", "officer_a",
    )  # fmt: skip

    override = GroupOverride.objects.get(person=care.person("郑小刚"))
    assert (override.group, override.include, override.reason) == (
        "left_behind",
        True,
        "父母外出务工",
    )
    entry = AuditEntry.objects.get(action="care.group")
    assert entry.username == "officer_a" and entry.detail["include"] is True
    assert "郑小刚" in out
    listed = json.loads(care_cli("groups", "--school", SCHOOL_A, "--json"))
    assert "left_behind" in {c["name"]: c for c in listed["children"]}["郑小刚"]["groups"]


def test_a_group_is_removed_by_student_number_and_cleared_again(care):
    number = f"G{care.county.id_number('张伟')}"
    care_cli(
        "groups", "remove", number, "--group", "registered_poor",
        "--reason", "已核实脱贫", "--user", "officer_a",
    )  # fmt: skip
    assert GroupOverride.objects.get(person=care.person("张伟")).include is False

    care_cli("groups", "clear", number, "--group", "registered_poor", "--user", "officer_a")
    assert not GroupOverride.objects.exists()
    assert AuditEntry.objects.get(action="care.group_cleared").username == "officer_a"


def test_a_child_out_of_the_officers_school_is_not_found_and_nothing_is_stored(care):
    with pytest.raises(CommandError, match="no student '张伟'"):
        care_cli(
            "groups", "add", "张伟", "--group", "orphan", "--reason", "x", "--user", "officer_b"
        )
    assert not GroupOverride.objects.exists()


def test_a_blank_reason_is_refused_as_one_line(care):
    with pytest.raises(CommandError, match="reason: give the reason"):
        care_cli(
            "groups", "add", "郑小刚", "--group", "orphan", "--reason", " ", "--user", "officer_a"
        )
    assert not GroupOverride.objects.exists()


def test_a_write_needs_an_existing_account(care):
    with pytest.raises(CommandError, match="no active account 'nobody'"):
        care_cli(
            "groups", "add", "郑小刚", "--group", "orphan", "--reason", "x", "--user", "nobody"
        )


# --- pairing ---------------------------------------------------------------------------------------


def test_a_pairing_is_added_by_teacher_name_and_audited(care):
    out = care_cli(
        "pairing", "add", "马小龙", "--teacher", "陈老师", "--started-on", "2020-09-01",
        "--user", "officer_a",
    )  # fmt: skip

    made = Pairing.objects.get()
    assert (made.person.name, made.teacher.name, made.started_on) == ("马小龙", "陈老师", DAY)
    assert made.school.code == SCHOOL_A and made.created_by == care.user("officer_a")
    assert AuditEntry.objects.get(action="care.pair").username == "officer_a"
    assert f"结对 {made.pk}" in out
    helpers = json.loads(care_cli("pairing", "helpers", "--school", SCHOOL_A, "--json"))
    assert {h["name"]: h["load"] for h in helpers["helpers"]}["陈老师"] == 1


def test_a_pairing_over_the_load_limit_is_refused_and_nothing_is_stored(care):
    officer = care.user("officer_a")
    for name in ("张伟", "马小龙", "高小红", "杨小军", "吴小梅"):
        pair(
            person=care.person(name),
            teacher=care.teacher("王老师"),
            acting_user=officer,
            started_on=DAY,
        )
    care_cli(
        "groups",
        "add",
        "郑小刚",
        "--group",
        "orphan",
        "--reason",
        "父母双亡",
        "--user",
        "officer_a",
    )
    teacher_id = str(care.teacher("王老师").pk)

    with pytest.raises(CommandError, match="already helps 5 children, the limit is 5"):
        care_cli("pairing", "add", "郑小刚", "--teacher", teacher_id, "--user", "officer_a")

    assert Pairing.objects.count() == 5
    assert not Pairing.objects.filter(person=care.person("郑小刚")).exists()
    assert AuditEntry.objects.filter(action="care.pair").count() == 5


def test_a_teacher_of_another_school_is_not_a_helper(care):
    with pytest.raises(CommandError, match="no teacher '孙老师'"):
        care_cli("pairing", "add", "马小龙", "--teacher", "孙老师", "--user", "officer_a")
    assert not Pairing.objects.exists()


def test_a_pairing_is_ended_with_the_reason(care, pairing):
    care_cli(
        "pairing",
        "end",
        str(pairing.pk),
        "--on",
        "2020-12-01",
        "--reason",
        "转学",
        "--user",
        "officer_a",
    )

    pairing.refresh_from_db()
    assert (pairing.ended_on, pairing.end_reason) == (date(2020, 12, 1), "转学")
    assert AuditEntry.objects.get(action="care.unpair").username == "officer_a"
    with pytest.raises(CommandError, match="already ended"):
        care_cli(
            "pairing",
            "end",
            str(pairing.pk),
            "--on",
            "2020-12-02",
            "--reason",
            "x",
            "--user",
            "officer_a",
        )


def test_a_pairing_of_another_school_is_not_found(care, pairing):
    with pytest.raises(CommandError, match=f"no pairing {pairing.pk}"):
        care_cli(
            "pairing",
            "end",
            str(pairing.pk),
            "--on",
            "2020-12-01",
            "--reason",
            "x",
            "--user",
            "officer_b",
        )
    pairing.refresh_from_db()
    assert pairing.ended_on is None


# --- the support log -------------------------------------------------------------------------------


def test_the_helper_logs_a_home_visit_with_a_photo_and_a_signed_form(
    care, pairing, media, tmp_path
):
    (tmp_path / "visit.jpg").write_bytes(PNG)
    (tmp_path / "签字表.pdf").write_bytes(PDF)

    care_cli(
        "log", "add", "--pair", str(pairing.pk), "--kind", "home_visit", "--date", "2020-10-12",
        "--notes", "与祖母谈心", "--attachment", str(tmp_path / "visit.jpg"),
        "--attachment", str(tmp_path / "签字表.pdf"), "--user", "teacher_a",
    )  # fmt: skip

    entry = SupportEntry.objects.get()
    assert (entry.kind, entry.on, entry.notes) == ("home_visit", date(2020, 10, 12), "与祖母谈心")
    kept = {a.original_name: a for a in entry.attachments.all()}
    assert {n: a.kind for n, a in kept.items()} == {"visit.jpg": "png", "签字表.pdf": "pdf"}
    assert (media / kept["签字表.pdf"].path).read_bytes() == PDF
    assert AuditEntry.objects.get(action="care.log").username == "teacher_a"
    rows = json.loads(care_cli("log", "--as-of", "2020-10-31", "--json"))["pairs"]
    assert rows[0]["last_contact"] == "2020-10-12"


def test_a_bad_attachment_refuses_the_entry_and_stores_nothing(care, pairing, media, tmp_path):
    (tmp_path / "visit.jpg").write_bytes(PNG)
    (tmp_path / "notes.txt").write_text("just some text, not a photo")

    with pytest.raises(CommandError, match="only photos"):
        care_cli(
            "log", "add", "--pair", str(pairing.pk), "--kind", "study_help", "--date", "2020-10-12",
            "--attachment", str(tmp_path / "visit.jpg"), str(tmp_path / "notes.txt"),
            "--user", "teacher_a",
        )  # fmt: skip

    assert not SupportEntry.objects.exists() and not SupportAttachment.objects.exists()
    assert stored_files(media) == []
    assert not AuditEntry.objects.filter(action="care.log").exists()


def test_a_missing_file_is_a_one_line_error(care, pairing, tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        care_cli(
            "log", "add", "--pair", str(pairing.pk), "--kind", "study_help", "--date", "2020-10-12",
            "--attachment", str(tmp_path / "gone.jpg"), "--user", "teacher_a",
        )  # fmt: skip
    assert not SupportEntry.objects.exists()


def test_only_the_pairs_helper_logs_support(care, pairing):
    with pytest.raises(CommandError, match="only the pair's helper logs support"):
        care_cli(
            "log", "add", "--pair", str(pairing.pk), "--kind", "study_help", "--date", "2020-10-12",
            "--user", "officer_a",
        )  # fmt: skip
    assert not SupportEntry.objects.exists()
