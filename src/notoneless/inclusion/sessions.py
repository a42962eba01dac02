"""Recording a home-teaching session (送教上门). A session is recorded as held only when all six elements
are present (六落实: teacher, student, plan, class hours, lesson plan, record-book entry) and the guardian
confirmed it (a signature photo, or the plan's confirmation code typed in by the teacher). A session
missing anything is refused with the element named, and nothing is stored: no row, no file."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from notoneless.accounts.models import Role
from notoneless.audit.actions import record
from notoneless.inclusion.access import may_record_sessions
from notoneless.inclusion.errors import InclusionRefused
from notoneless.inclusion.models import Plan, PlanVersion, Session
from notoneless.inclusion.plans import guardian_code_hash
from notoneless.inclusion.rules import home_teaching_rules
from notoneless.inclusion.selectors import plan_scope, version_in_force
from notoneless.registry.models import Person, Teacher
from notoneless.web.attachments import AttachmentRefused, store_attachment

__all__ = ["ELEMENTS", "record_session"]

# the six elements and the confirmation, in the order they are checked: (field, Chinese, English)
ELEMENTS = (
    ("teacher", "送教教师", "the teacher"),
    ("student", "学生", "the student"),
    ("plan", "送教方案", "the plan"),
    ("class_hours", "课时", "the class hours"),
    ("lesson_plan", "教案", "the lesson plan (text or attachment)"),
    ("record_entry", "送教记录", "the record-book entry"),
    ("confirmation", "监护人确认", "the guardian's confirmation (signature photo or code)"),
)
_LABELS = {f: (zh, en) for f, zh, en in ELEMENTS}


def _missing(field: str) -> InclusionRefused:
    zh, en = _LABELS[field]
    return InclusionRefused(
        f"缺少{zh}，不能记为已送教（六落实）/ {field}: {en} is missing; the session is not recorded",
        field=field,
    )


def _hours(value: Decimal | str | float | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise InclusionRefused(
            "课时须为数字 / class_hours: not a number", field="class_hours"
        ) from None
    return hours


@contextmanager
def _stored_files() -> Iterator[list[str]]:
    """Paths stored while recording; removed again when the recording fails."""
    paths: list[str] = []
    try:
        yield paths
    except BaseException:
        for path in paths:
            default_storage.delete(path)
        raise


def record_session(
    *,
    acting_user: Any,
    plan: Plan | None,
    student: Person | None,
    teacher: Teacher | None,
    held_on: date | None,
    class_hours: Decimal | str | float | None,
    lesson_plan: str = "",
    lesson_plan_file: File | None = None,
    record_entry: str = "",
    signature_photo: File | None = None,
    confirmation_code: str = "",
) -> Session:
    """Record a session held on ``held_on`` under the plan version in force that day. A teacher records
    as the account's own teacher row; an officer enters one from the paper record book, naming the
    teacher. The teacher must be named in the version in force."""
    if not may_record_sessions(acting_user):
        raise InclusionRefused("无权记录送教 / this account cannot record sessions")
    if acting_user.role == Role.TEACHER and teacher is None:
        teacher = acting_user.teacher
    hours = _hours(class_hours)
    lesson_plan, record_entry = lesson_plan.strip(), record_entry.strip()
    code = confirmation_code.strip()
    _require_elements(
        {
            "teacher": teacher is not None,
            "student": student is not None,
            "plan": plan is not None,
            "class_hours": hours is not None and hours > 0,
            "lesson_plan": bool(lesson_plan) or lesson_plan_file is not None,
            "record_entry": bool(record_entry),
            "confirmation": signature_photo is not None or bool(code),
        }
    )
    assert plan is not None and student is not None and teacher is not None and hours is not None
    _check_plan_student_and_teacher(acting_user, plan, student, teacher)
    version = _version_for_day(plan, held_on)
    assert held_on is not None
    _check_teacher_named(version, teacher)
    _check_hours_within_limit(hours)
    _check_confirmation(plan, signature_photo, code)
    _check_day_not_yet_recorded(plan, held_on)
    with _stored_files() as stored:
        lesson_path, lesson_name = _store_lesson_plan_file(lesson_plan_file, stored)
        signature_path = _store_signature_photo(signature_photo, stored)
        return _create_session(
            acting_user=acting_user,
            plan=plan,
            version=version,
            student=student,
            teacher=teacher,
            held_on=held_on,
            hours=hours,
            lesson_plan=lesson_plan,
            lesson_path=lesson_path,
            lesson_name=lesson_name,
            record_entry=record_entry,
            signature_path=signature_path,
        )


def _require_elements(present: dict[str, bool]) -> None:
    """Refuse, naming the first element missing in the order of ``ELEMENTS``."""
    for field, _zh, _en in ELEMENTS:
        if not present[field]:
            raise _missing(field)


def _check_plan_student_and_teacher(
    acting_user: Any, plan: Plan, student: Person, teacher: Teacher
) -> None:
    """The plan is in the user's scope, is the student's, is for home-delivered teaching, and a teacher
    records only their own sessions."""
    if not Plan.objects.filter(plan_scope(acting_user), pk=plan.pk).exists():
        raise InclusionRefused("该方案不在您的管辖范围 / plan: not in your scope", field="plan")
    if student.pk != plan.person_id:
        raise InclusionRefused(
            "学生与送教方案不符 / student: the plan is another child's", field="student"
        )
    if not plan.home_teaching:
        raise InclusionRefused(
            "该儿童的安置不是送教上门 / plan: the child is not in home-delivered teaching",
            field="plan",
        )
    if acting_user.role == Role.TEACHER and teacher.pk != acting_user.teacher_id:
        raise InclusionRefused(
            "教师只能记录本人的送教 / teacher: a teacher records their own sessions",
            field="teacher",
        )


def _version_for_day(plan: Plan, held_on: date | None) -> PlanVersion:
    """The plan version in force on ``held_on``, a day given and not in the future."""
    if held_on is None:
        raise InclusionRefused("请填写送教日期 / held_on is required", field="held_on")
    if held_on > timezone.localdate():
        raise InclusionRefused(
            "送教日期不能是将来 / held_on: the date is in the future", field="held_on"
        )
    version = version_in_force(plan, held_on)
    if version is None:
        raise InclusionRefused(
            "该日期没有生效的送教方案 / held_on: no version of the plan is in force that day",
            field="held_on",
        )
    return version


def _check_teacher_named(version: PlanVersion, teacher: Teacher) -> None:
    """The teacher must be named in the version in force."""
    if not version.teachers.filter(pk=teacher.pk).exists():
        raise InclusionRefused(
            f"第{version.number}版方案未指定该教师 / teacher: not named in version {version.number} "
            "of the plan",
            field="teacher",
        )


def _check_hours_within_limit(hours: Decimal) -> None:
    """At most the rules' hours per session, with one decimal."""
    limit = home_teaching_rules().max_hours_per_session
    if hours > limit or hours != hours.quantize(Decimal("0.1")):
        raise InclusionRefused(
            f"课时须在0.1到{limit}之间（保留一位小数）/ class_hours: between 0.1 and {limit}, one decimal",
            field="class_hours",
        )


def _check_confirmation(plan: Plan, signature_photo: File | None, code: str) -> None:
    """Without a signature photo, the code typed in must match the plan's confirmation code."""
    if signature_photo is not None:
        return
    given = guardian_code_hash(plan.pk, code or "")
    if not (plan.code_hash and hmac.compare_digest(plan.code_hash, given)):
        raise InclusionRefused(
            "确认码不对 / confirmation: the guardian's code does not match", field="confirmation"
        )


def _check_day_not_yet_recorded(plan: Plan, held_on: date) -> None:
    """One session per plan and day."""
    if Session.objects.filter(plan=plan, held_on=held_on).exists():
        raise InclusionRefused(
            f"{held_on}已记录过送教 / held_on: a session on {held_on} is already recorded",
            field="held_on",
        )


def _store_lesson_plan_file(lesson_plan_file: File | None, stored: list[str]) -> tuple[str, str]:
    """Store the lesson-plan attachment, if any; returns its path and original name ("" when none).
    The stored path is added to ``stored`` so that a later refusal removes it."""
    if lesson_plan_file is None:
        return "", ""
    try:
        kept = store_attachment(lesson_plan_file, folder="inclusion")
    except AttachmentRefused as refusal:
        raise InclusionRefused(
            f"教案附件 / lesson_plan_file: {refusal}", field="lesson_plan_file"
        ) from None
    stored.append(kept.path)
    return kept.path, kept.original_name


def _store_signature_photo(signature_photo: File | None, stored: list[str]) -> str:
    """Store the guardian's signature photo, if any (a PDF is refused); returns its path ("" when none).
    The stored path is added to ``stored`` so that a later refusal removes it."""
    if signature_photo is None:
        return ""
    try:
        kept = store_attachment(signature_photo, folder="inclusion")
        stored.append(kept.path)
        if kept.kind == "pdf":
            raise AttachmentRefused("签字须为照片 / the signature must be a photo")
    except AttachmentRefused as refusal:
        raise InclusionRefused(
            f"签字照片 / signature_photo: {refusal}", field="signature_photo"
        ) from None
    return kept.path


def _create_session(
    *,
    acting_user: Any,
    plan: Plan,
    version: PlanVersion,
    student: Person,
    teacher: Teacher,
    held_on: date,
    hours: Decimal,
    lesson_plan: str,
    lesson_path: str,
    lesson_name: str,
    record_entry: str,
    signature_path: str,
) -> Session:
    """Write the session and its audit row in one transaction."""
    with transaction.atomic():
        session = Session.objects.create(
            plan=plan,
            version=version,
            person=student,
            teacher=teacher,
            held_on=held_on,
            class_hours=hours,
            lesson_plan=lesson_plan,
            lesson_plan_file=lesson_path,
            lesson_plan_file_name=lesson_name,
            record_entry=record_entry,
            confirmation=Session.Confirmation.PHOTO
            if signature_path
            else Session.Confirmation.CODE,
            signature_file=signature_path,
            recorded_by=acting_user if acting_user.pk else None,
        )
        record(
            "inclusion.session",
            acting_user=acting_user,
            object_type="plan",
            object_id=plan.pk,
            detail={
                "session": session.pk,
                "held_on": held_on.isoformat(),
                "hours": str(hours),
                "teacher": teacher.pk,
                "version": version.number,
                "confirmation": session.confirmation,
            },
        )
    return session
