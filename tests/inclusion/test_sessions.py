"""Home-teaching sessions (送教上门): recorded as held only with all six elements (六落实) and the
guardian's confirmation; anything missing is refused naming it, and nothing is stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from inclusion.build import JPEG, PDF, home_plan, session, teacher, upload
from notoneless.audit.models import AuditEntry
from notoneless.inclusion import actions
from notoneless.inclusion.errors import InclusionRefused
from notoneless.inclusion.models import Plan, Session
from web.county import County

HELD_ON = date(2020, 11, 3)


def stored_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "attachments" / "inclusion"
    return sorted(folder.glob("*")) if folder.exists() else []


def complete(county: County, plan: Plan, code: str) -> dict[str, Any]:
    return {
        "acting_user": county.user("teacher_a"),
        "plan": plan,
        "student": plan.person,
        "teacher": teacher("陈静"),
        "held_on": HELD_ON,
        "class_hours": Decimal("3"),
        "lesson_plan": "认识水果",
        "record_entry": "完成识字练习",
        "confirmation_code": code,
    }


def test_a_session_with_all_six_elements_and_the_code_is_recorded(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    held = actions.record_session(**complete(county, plan, code))
    assert (held.person, held.teacher.name, held.class_hours) == (plan.person, "陈静", Decimal("3"))
    assert (held.version.number, held.confirmation) == (1, "code")
    assert held.recorded_by == county.user("teacher_a")
    assert AuditEntry.objects.filter(action="inclusion.session").count() == 1


# (what is left out, how) for the six elements and the guardian's confirmation
MISSING = {
    "teacher": {"teacher": None, "acting_user": "officer_a"},
    "student": {"student": None},
    "plan": {"plan": None},
    "class_hours": {"class_hours": None},
    "lesson_plan": {"lesson_plan": ""},
    "record_entry": {"record_entry": "  "},
    "confirmation": {"confirmation_code": ""},
}


@pytest.mark.parametrize("element", list(MISSING))
def test_a_session_missing_one_element_is_refused_naming_it_and_nothing_is_stored(
    county: County, tmp_path: Path, element: str
):
    plan, code = home_plan(county, tmp_path)
    args = complete(county, plan, code)
    for key, value in MISSING[element].items():
        args[key] = county.user(value) if key == "acting_user" else value
    args["lesson_plan_file"] = None if element == "lesson_plan" else upload("教案.pdf", PDF)
    with pytest.raises(InclusionRefused) as refused:
        actions.record_session(**args)
    assert refused.value.field == element
    assert f"{element}:" in str(refused.value) and "六落实" in str(refused.value)
    assert not Session.objects.exists()
    assert stored_files() == []
    assert not AuditEntry.objects.filter(action="inclusion.session").exists()


def test_zero_class_hours_count_as_missing(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    with pytest.raises(InclusionRefused) as refused:
        actions.record_session(**{**complete(county, plan, code), "class_hours": "0"})
    assert refused.value.field == "class_hours"


def test_a_lesson_plan_attachment_and_a_signature_photo_stand_for_text_and_code(
    county: County, tmp_path: Path
):
    plan, code = home_plan(county, tmp_path)
    args = complete(county, plan, code)
    args.update(
        lesson_plan="",
        lesson_plan_file=upload("教案.pdf", PDF, "application/pdf"),
        confirmation_code="",
        signature_photo=upload("签字.jpg", JPEG),
    )
    held = actions.record_session(**args)
    assert held.confirmation == "photo"
    assert held.lesson_plan_file.endswith(".pdf") and held.signature_file.endswith(".jpg")
    assert held.lesson_plan_file_name == "教案.pdf"
    assert len(stored_files()) == 2


def test_a_bad_attachment_is_refused_and_nothing_is_stored(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    args = complete(county, plan, code)
    args.update(
        lesson_plan_file=upload("教案.pdf", PDF, "application/pdf"),
        confirmation_code="",
        signature_photo=upload("签字.jpg", b"MZ\x90\x00 not a photo at all", "image/jpeg"),
    )
    with pytest.raises(InclusionRefused) as refused:
        actions.record_session(**args)
    assert refused.value.field == "signature_photo"
    assert "JPEG" in str(refused.value)
    assert not Session.objects.exists()
    assert stored_files() == []  # the lesson plan stored first is removed again


def test_a_pdf_is_not_a_signature_photo(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    args = {**complete(county, plan, code), "confirmation_code": ""}
    args["signature_photo"] = upload("签字.pdf", PDF, "application/pdf")
    with pytest.raises(InclusionRefused, match="signature_photo"):
        actions.record_session(**args)
    assert stored_files() == []


def test_a_wrong_confirmation_code_is_refused(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(InclusionRefused, match="does not match") as refused:
        actions.record_session(**{**complete(county, plan, code), "confirmation_code": wrong})
    assert refused.value.field == "confirmation"
    assert not Session.objects.exists()


def test_a_new_code_replaces_the_old_one(county: County, tmp_path: Path):
    plan, old = home_plan(county, tmp_path)
    new = actions.issue_code(plan=plan, acting_user=county.user("officer_a"))
    plan.refresh_from_db()
    if new != old:
        with pytest.raises(InclusionRefused, match="does not match"):
            actions.record_session(**complete(county, plan, old))
    assert actions.record_session(**complete(county, plan, new)).confirmation == "code"
    assert new not in plan.code_hash


def test_a_teacher_not_named_in_the_version_in_force_is_refused(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    args = {**complete(county, plan, code), "acting_user": county.user("officer_a")}
    args["teacher"] = teacher("孙磊")
    with pytest.raises(InclusionRefused, match="not named in version 1") as refused:
        actions.record_session(**args)
    assert refused.value.field == "teacher"


def test_a_teacher_records_only_as_themselves(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    args = {**complete(county, plan, code), "teacher": teacher("孙磊")}
    with pytest.raises(InclusionRefused, match="their own sessions"):
        actions.record_session(**args)


def test_a_session_before_the_plan_or_twice_on_a_day_or_in_the_future_is_refused(
    county: County, tmp_path: Path
):
    plan, code = home_plan(county, tmp_path)
    for day, message in [
        (date(2020, 10, 30), "no version of the plan is in force"),
        (date(2099, 1, 5), "in the future"),
    ]:
        with pytest.raises(InclusionRefused, match=message):
            actions.record_session(**{**complete(county, plan, code), "held_on": day})
    session(county, plan, code, HELD_ON)
    with pytest.raises(InclusionRefused, match="already recorded"):
        session(county, plan, code, HELD_ON)
    assert Session.objects.count() == 1


def test_an_officer_of_another_school_cannot_record_for_the_child(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    args = {**complete(county, plan, code), "acting_user": county.user("officer_b")}
    with pytest.raises(InclusionRefused, match="not in your scope"):
        actions.record_session(**args)
