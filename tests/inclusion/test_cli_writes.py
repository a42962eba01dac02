"""The writes of ``notoneless inclusion`` from a terminal: an assessment, the committee's decision, a plan
version, the guardian's code (printed once), a pause, and home-teaching sessions under the six-element
rule (a session missing its record-book entry, or with a signature that is no photo, is refused naming
it and nothing is stored); each names its ``--user`` in the audit log."""

from __future__ import annotations

import json
import re
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inclusion.build import COMMITTEE, JPEG, PDF, decide, home_plan, load_registers, propose
from notoneless.audit.models import AuditEntry
from notoneless.inclusion.models import Assessment, Pause, Placement, PlanVersion, Session
from web.county import County

pytestmark = pytest.mark.django_db
HELD_ON = "2020-11-03"  # a Tuesday, in the plan's first week


def inclusion(*args: str) -> str:
    out = StringIO()
    call_command("inclusion", *args, stdout=out)
    return out.getvalue()


def stored_files(tmp_path: Path) -> list[Path]:
    media = tmp_path / "media"
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_school_officer_records_an_assessment_by_student_number(county: County):
    number = f"G{county.id_number('张伟')}"
    inclusion(
        "assessments", "add", number, "--type", "intellectual", "--severity", "moderate",
        "--assessor", "县特教中心 李老师", "--date", "2020-10-01", "--user", "officer_a",
    )  # fmt: skip

    found = Assessment.objects.get()
    assert (found.person.name, found.severity, found.assessor) == (
        "张伟",
        "moderate",
        "县特教中心 李老师",
    )
    assert AuditEntry.objects.get(action="inclusion.assessment").username == "officer_a"


def test_the_county_records_the_committees_decision(county: County, tmp_path: Path):
    load_registers(county, tmp_path)
    placement = propose(county)
    members = [arg for m in COMMITTEE for arg in ("--member", m)]

    inclusion(
        "placements", "decide", str(placement.pk), "--setting", "home", *members,
        "--reason", "行动不便", "--guardian", "张建国", "--consent", "--consent-on", "2020-11-01",
        "--decided-on", "2020-11-01", "--user", "county_admin",
    )  # fmt: skip

    placement.refresh_from_db()
    assert (placement.status, placement.setting) == ("decided", "home")
    assert placement.committee_members == COMMITTEE and placement.review_due == date(2021, 11, 1)
    assert AuditEntry.objects.get(action="inclusion.decide").username == "county_admin"


def test_a_decision_without_the_guardians_consent_is_refused_and_nothing_changes(
    county: County, tmp_path: Path
):
    load_registers(county, tmp_path)
    placement = propose(county)
    members = [arg for m in COMMITTEE for arg in ("--member", m)]
    with pytest.raises(CommandError, match="guardian_consent: the guardian's consent is required"):
        inclusion(
            "placements", "decide", str(placement.pk), "--setting", "home", *members,
            "--reason", "行动不便", "--guardian", "张建国", "--consent-on", "2020-11-01",
            "--decided-on", "2020-11-01", "--user", "county_admin",
        )  # fmt: skip
    assert Placement.objects.get().status == "proposed"
    assert not AuditEntry.objects.filter(action="inclusion.decide").exists()


def test_a_plan_version_a_code_a_session_and_a_pause_from_the_terminal(
    county: County, tmp_path: Path
):
    load_registers(county, tmp_path)
    placement = decide(county, propose(county))

    inclusion(
        "plans", "add", "--placement", str(placement.pk), "--goals", "生活自理", "--teacher", "陈静",
        "--schedule", "周二 09:00 3", "--schedule", "4 09:00 3", "--valid-from", "2020-11-02",
        "--review-on", "2021-01-15", "--user", "officer_a",
    )  # fmt: skip
    version = PlanVersion.objects.get()
    assert [t.name for t in version.teachers.all()] == ["陈静"]
    assert [v["weekday"] for v in version.schedule] == [2, 4]
    plan = version.plan

    out = inclusion("plans", "code", "--plan", str(plan.pk), "--user", "officer_a")
    code = re.search(r"code (\d{6})", out)
    assert code is not None
    assert AuditEntry.objects.get(action="inclusion.code").username == "officer_a"

    inclusion(
        "sessions", "add", "--plan", str(plan.pk), "--date", HELD_ON, "--hours", "3",
        "--lesson-plan", "认识水果", "--record", "完成识字练习", "--code", code.group(1),
        "--user", "teacher_a",
    )  # fmt: skip
    session = Session.objects.get()
    assert (session.teacher.name, str(session.class_hours), session.confirmation) == (
        "陈静",
        "3.0",
        "code",
    )
    assert AuditEntry.objects.get(action="inclusion.session").username == "teacher_a"

    inclusion(
        "pauses", "add", "--plan", str(plan.pk), "--kind", "hospital", "--from", "2020-11-09",
        "--to", "2020-11-20", "--user", "officer_a",
    )  # fmt: skip
    assert Pause.objects.get().kind == "hospital"
    shown = json.loads(inclusion("plans", "show", "--plan", str(plan.pk), "--json"))
    assert [s["held_on"] for s in shown["sessions"]] == [HELD_ON]
    assert shown["pauses"] == [{"kind": "hospital", "from": "2020-11-09", "to": "2020-11-20"}]


def test_a_session_without_its_record_book_entry_is_refused_naming_it(
    county: County, tmp_path: Path
):
    plan, code = home_plan(county, tmp_path)
    with pytest.raises(CommandError, match="record_entry: the record-book entry is missing"):
        inclusion(
            "sessions", "add", "--plan", str(plan.pk), "--date", HELD_ON, "--hours", "3",
            "--lesson-plan", "认识水果", "--code", code, "--user", "teacher_a",
        )  # fmt: skip
    assert not Session.objects.exists()
    assert not AuditEntry.objects.filter(action="inclusion.session").exists()


def test_a_session_without_the_guardians_confirmation_is_refused_naming_it(
    county: County, tmp_path: Path
):
    plan, _code = home_plan(county, tmp_path)
    with pytest.raises(CommandError, match="confirmation: the guardian's confirmation"):
        inclusion(
            "sessions", "add", "--plan", str(plan.pk), "--date", HELD_ON, "--hours", "3",
            "--lesson-plan", "认识水果", "--record", "完成", "--user", "teacher_a",
        )  # fmt: skip
    assert not Session.objects.exists()


def test_a_signature_that_is_no_photo_refuses_the_session_and_stores_nothing(
    county: County, tmp_path: Path
):
    plan, _code = home_plan(county, tmp_path)
    (tmp_path / "lesson.jpg").write_bytes(JPEG)
    (tmp_path / "signature.pdf").write_bytes(PDF)
    with pytest.raises(CommandError, match="signature_photo: "):
        inclusion(
            "sessions", "add", "--plan", str(plan.pk), "--date", HELD_ON, "--hours", "3",
            "--lesson-plan-file", str(tmp_path / "lesson.jpg"), "--record", "完成",
            "--signature", str(tmp_path / "signature.pdf"), "--user", "teacher_a",
        )  # fmt: skip
    assert not Session.objects.exists()
    assert stored_files(tmp_path) == []


def test_a_session_with_a_signature_photo_and_a_lesson_plan_file(county: County, tmp_path: Path):
    plan, _code = home_plan(county, tmp_path)
    (tmp_path / "lesson.pdf").write_bytes(PDF)
    (tmp_path / "signature.jpg").write_bytes(JPEG)
    inclusion(
        "sessions", "add", "--plan", str(plan.pk), "--date", HELD_ON, "--hours", "2.5",
        "--lesson-plan-file", str(tmp_path / "lesson.pdf"), "--record", "完成",
        "--signature", str(tmp_path / "signature.jpg"), "--user", "teacher_a",
    )  # fmt: skip
    session = Session.objects.get()
    assert (session.confirmation, session.lesson_plan_file_name) == ("photo", "lesson.pdf")
    assert len(stored_files(tmp_path)) == 2


def test_a_plan_out_of_the_users_scope_is_not_found(county: County, tmp_path: Path):
    plan, _code = home_plan(county, tmp_path)
    with pytest.raises(CommandError, match=f"no plan {plan.pk} in your scope"):
        inclusion("plans", "code", "--plan", str(plan.pk), "--user", "officer_b")
