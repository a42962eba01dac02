"""The writes of care (帮扶): a school's correction of a child's groups, pairing and unpairing, the
confirmation of suggested pairings, and the support log. Each action checks the user may act, refuses
bad input with a clear message (Chinese / English) naming what is wrong and changes nothing when it
refuses, runs in one transaction and writes one audit row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from notoneless.audit.actions import record
from notoneless.care.access import may_log_support, may_manage_care
from notoneless.care.care_rules import default_rules
from notoneless.care.errors import CareRefused
from notoneless.care.groups import enrolments, special_children
from notoneless.care.models import (
    Group,
    GroupOverride,
    Pairing,
    SupportAttachment,
    SupportEntry,
    SupportKind,
)
from notoneless.care.selectors import care_schools, term_on
from notoneless.registry.models import Person, School, Teacher
from notoneless.web.attachments import AttachmentRefused, Stored, store_attachment

__all__ = [
    "MAX_FILES",
    "clear_group",
    "confirm_pairings",
    "end_pairing",
    "log_support",
    "pair",
    "set_group",
]

MAX_FILES = 6
REASON_MAX = 300


def _today() -> date:
    return timezone.localdate()


def _check_manager(acting_user: Any) -> None:
    if not may_manage_care(acting_user):
        raise CareRefused("无权管理帮扶对象和结对 / this role cannot manage groups or pairings")


def _school_of_child(person: Person, acting_user: Any, on: date) -> School:
    """The child's school in the term holding ``on``, among the schools the user manages."""
    row = (
        enrolments(term_on(on), care_schools(acting_user), [person.pk])
        .select_related("school")
        .order_by("-pk")
        .first()
    )
    if row is None:
        raise CareRefused(
            f"{person.name}不是本校在读学生 / {person.name} is not a pupil of your school this term"
        )
    return row.school


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise CareRefused("请填写理由 / reason: give the reason")
    if len(reason) > REASON_MAX:
        raise CareRefused(f"理由过长 / reason: at most {REASON_MAX} characters")
    return reason


# --- groups ----------------------------------------------------------------------------------------


def set_group(
    *, person: Person, group: str, include: bool, reason: str, acting_user: Any
) -> GroupOverride:
    """The school's word on one group of one child (add or take out), with the reason; it wins over
    what the registers say until cleared."""
    _check_manager(acting_user)
    if group not in Group.values:
        raise CareRefused(f"未知的帮扶类别 / group: unknown group {group!r}")
    reason = _reason(reason)
    school = _school_of_child(person, acting_user, _today())
    with transaction.atomic():
        override, _ = GroupOverride.objects.update_or_create(
            person=person,
            group=group,
            defaults={
                "include": include,
                "reason": reason,
                "school": school,
                "by": acting_user if acting_user.pk else None,
            },
        )
        record(
            "care.group",
            acting_user=acting_user,
            object_type="person",
            object_id=person.pk,
            detail={"group": group, "include": include, "reason": reason, "school": school.code},
        )
    return override


def clear_group(*, person: Person, group: str, acting_user: Any) -> None:
    """Drop the school's correction: the registers decide again."""
    _check_manager(acting_user)
    _school_of_child(person, acting_user, _today())
    with transaction.atomic():
        deleted, _ = GroupOverride.objects.filter(person=person, group=group).delete()
        if not deleted:
            raise CareRefused("此类别没有学校的更正 / group: the school has not corrected it")
        record(
            "care.group_cleared",
            acting_user=acting_user,
            object_type="person",
            object_id=person.pk,
            detail={"group": group},
        )


# --- pairing ---------------------------------------------------------------------------------------


def _pair_one(
    person: Person,
    teacher: Teacher,
    school: School,
    special: set[int],
    started_on: date,
    acting_user: Any,
    loads: dict[int, int],
) -> Pairing:
    """Checks and creates one pairing; inside the caller's transaction, teacher rows locked.
    ``special``: the school's special-group children; ``loads``: teacher id → children helped now."""
    if person.pk not in special:
        raise CareRefused(
            f"{person.name}不属于{school.name}的帮扶对象，请先加入类别 / {person.name} is in no "
            f"special group at {school.name}: add the child to a group first"
        )
    if teacher.school_id not in (school.pk, school.central_school_id):
        raise CareRefused(
            f"{teacher.name}不是{school.name}的教师 / teacher: {teacher.name} does not teach at "
            f"{school.name}"
        )
    if Pairing.objects.filter(person=person, teacher=teacher, ended_on__isnull=True).exists():
        raise CareRefused(
            f"{teacher.name}已与{person.name}结对 / {teacher.name} already helps {person.name}"
        )
    limit = default_rules().load_limit
    if teacher.pk not in loads:
        loads[teacher.pk] = Pairing.objects.filter(teacher=teacher, ended_on__isnull=True).count()
    if loads[teacher.pk] >= limit:
        raise CareRefused(
            f"{teacher.name}已帮扶{loads[teacher.pk]}名学生，达到上限{limit}名 / teacher: "
            f"{teacher.name} already helps {loads[teacher.pk]} children, the limit is {limit}"
        )
    loads[teacher.pk] += 1
    return Pairing.objects.create(
        person=person,
        school=school,
        teacher=teacher,
        started_on=started_on,
        created_by=acting_user if acting_user.pk else None,
    )


def _check_start(started_on: date) -> None:
    if started_on > _today():
        raise CareRefused("结对日期不能是将来的日期 / paired on: the date is in the future")


def _special(school: School, started_on: date, person_ids: list[int] | None = None) -> set[int]:
    frame = special_children(term_on(started_on), [school.pk], person_ids)
    return set(frame["person_id"].to_list())


def _lock(teacher_ids: Sequence[int]) -> None:
    """Lock the teachers' rows so two officers cannot both take a teacher's last place."""
    list(Teacher.objects.select_for_update().filter(pk__in=sorted(set(teacher_ids))).values("pk"))


def pair(
    *, person: Person, teacher: Teacher, acting_user: Any, started_on: date | None = None
) -> Pairing:
    """Pair a helper teacher with a special-group child of the user's school (one-to-one, or one more
    helper for a child who has one: many-to-one). Refused for a teacher of another school, over the
    load limit, or for a child in no special group."""
    _check_manager(acting_user)
    started_on = started_on or _today()
    _check_start(started_on)
    school = _school_of_child(person, acting_user, started_on)
    special = _special(school, started_on, [person.pk])
    with transaction.atomic():
        _lock([teacher.pk])
        made = _pair_one(person, teacher, school, special, started_on, acting_user, {})
        record(
            "care.pair",
            acting_user=acting_user,
            object_type="pairing",
            object_id=made.pk,
            detail={
                "person": person.pk,
                "teacher": teacher.pk,
                "started_on": started_on.isoformat(),
            },
        )
    return made


def confirm_pairings(
    *,
    school: School,
    proposals: Sequence[tuple[int, int]],
    acting_user: Any,
    started_on: date | None = None,
) -> list[Pairing]:
    """Create the pairings (child's person id, teacher id) the officer confirmed from a suggestion, all
    or none: one refused pairing refuses the whole confirmation, naming the child."""
    _check_manager(acting_user)
    if not care_schools(acting_user).filter(pk=school.pk).exists():
        raise CareRefused(f"无权管理{school.name} / not your school: {school.name}")
    if not proposals:
        raise CareRefused("没有选择任何结对 / no pairing chosen")
    started_on = started_on or _today()
    _check_start(started_on)
    special = _special(school, started_on)
    people = Person.objects.in_bulk([p for p, _ in proposals])
    teachers = Teacher.objects.in_bulk([t for _, t in proposals])
    made: list[Pairing] = []
    with transaction.atomic():
        _lock([t for _, t in proposals])
        loads: dict[int, int] = {}
        for person_id, teacher_id in proposals:
            person, teacher = people.get(person_id), teachers.get(teacher_id)
            if person is None or teacher is None:
                raise CareRefused("结对对象不存在 / a child or teacher of the proposal is gone")
            made.append(_pair_one(person, teacher, school, special, started_on, acting_user, loads))
        record(
            "care.pairings_confirmed",
            acting_user=acting_user,
            object_type="school",
            object_id=school.pk,
            detail={
                "pairings": [[p.person_id, p.teacher_id] for p in made],
                "started_on": started_on.isoformat(),
            },
        )
    return made


def end_pairing(*, pairing: Pairing, ended_on: date, reason: str, acting_user: Any) -> Pairing:
    """End a pairing (the child left, the teacher moved); its log stays."""
    _check_manager(acting_user)
    if not care_schools(acting_user).filter(pk=pairing.school_id).exists():
        raise CareRefused("无权管理此结对 / not a pairing of your school")
    if pairing.ended_on is not None:
        raise CareRefused("结对已结束 / the pairing has already ended")
    if ended_on < pairing.started_on or ended_on > _today():
        raise CareRefused("结束日期无效 / ended on: between the day of pairing and today")
    reason = _reason(reason)
    with transaction.atomic():
        pairing.ended_on, pairing.end_reason = ended_on, reason
        pairing.save(update_fields=["ended_on", "end_reason"])
        record(
            "care.unpair",
            acting_user=acting_user,
            object_type="pairing",
            object_id=pairing.pk,
            detail={"ended_on": ended_on.isoformat(), "reason": reason},
        )
    return pairing


# --- the support log -------------------------------------------------------------------------------


def log_support(
    *,
    pairing: Pairing,
    kind: str,
    on: date,
    notes: str,
    acting_user: Any,
    files: Sequence[File] = (),
) -> SupportEntry:
    """The helper logs one act of support (or a home visit) with optional photos or signed forms.
    A file that is not a photo or PDF, or too large, refuses the entry: nothing is stored."""
    if not may_log_support(acting_user) or acting_user.teacher_id != pairing.teacher_id:
        raise CareRefused("只有结对教师本人可以记录帮扶 / only the pair's helper logs support")
    if kind not in SupportKind.values:
        raise CareRefused(f"未知的帮扶方式 / kind: unknown kind {kind!r}")
    if on > _today():
        raise CareRefused("帮扶日期不能是将来的日期 / date: the date is in the future")
    if on < pairing.started_on or (pairing.ended_on is not None and on > pairing.ended_on):
        raise CareRefused(
            f"帮扶日期不在结对期间（{pairing.started_on}起）/ date: outside the pairing "
            f"(from {pairing.started_on})"
        )
    if len(files) > MAX_FILES:
        raise CareRefused(f"附件最多{MAX_FILES}个 / attachments: at most {MAX_FILES} files")
    stored: list[Stored] = []
    try:
        for upload in files:
            stored.append(store_attachment(upload, folder="care"))
        with transaction.atomic():
            entry = SupportEntry.objects.create(
                pairing=pairing,
                person_id=pairing.person_id,
                teacher_id=pairing.teacher_id,
                kind=kind,
                on=on,
                notes=notes.strip(),
                by=acting_user if acting_user.pk else None,
            )
            SupportAttachment.objects.bulk_create(
                SupportAttachment(
                    entry=entry,
                    path=s.path,
                    original_name=s.original_name,
                    kind=s.kind,
                    size=s.size,
                    sha256=s.sha256,
                )
                for s in stored
            )
            record(
                "care.log",
                acting_user=acting_user,
                object_type="pairing",
                object_id=pairing.pk,
                detail={
                    "entry": entry.pk,
                    "kind": kind,
                    "on": on.isoformat(),
                    "files": len(stored),
                },
            )
    except AttachmentRefused as refusal:
        _discard(stored)
        raise CareRefused(f"附件 / attachments: {refusal}") from None
    except BaseException:
        _discard(stored)
        raise
    return entry


def _discard(stored: Sequence[Stored]) -> None:
    for s in stored:
        default_storage.delete(s.path)
