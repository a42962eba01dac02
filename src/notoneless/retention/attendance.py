"""Attendance by hand and per student: a teacher's quick entry for a class (absences only; present is
the default), the reads the entry page needs, and one student's figures for a term.

- ``record_absences`` is the write: one school, one day, a mark per student (a status, or None for
  present). Refuses a future date, a day that is not a school day of the school, and students not
  enrolled at the school in the term; idempotent; one transaction, one audit row when anything changed.
- ``class_names``, ``class_sheet`` and ``enrolled_at`` are the scoped reads of the entry page: the
  user's own school only (``may_record_attendance``); a student of another school is not found (404).
- ``student_attendance`` gives one student's school days, attendance rate, unexcused days and longest
  unexcused run in a term, with the same columnar code the dropout scan uses (``bulk.attendance``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from notoneless.audit.actions import record
from notoneless.registry.choices import AbsenceStatus, EnrollmentStatus
from notoneless.registry.models import Enrollment, School, Term
from notoneless.retention import bulk, calendar
from notoneless.retention.access import may_record_attendance
from notoneless.retention.errors import RetentionRefused
from notoneless.retention.models import Absence

__all__ = [
    "ClassSheet",
    "Recorded",
    "SheetRow",
    "StudentAttendance",
    "class_names",
    "class_sheet",
    "enrolled_at",
    "record_absences",
    "student_attendance",
]

STATUSES = frozenset(AbsenceStatus.values)
# one tap moves a child along: present → unexcused → sick leave → personal leave → present
NEXT_STATUS: dict[str | None, str | None] = {
    None: AbsenceStatus.UNEXCUSED,
    AbsenceStatus.UNEXCUSED: AbsenceStatus.SICK,
    AbsenceStatus.SICK: AbsenceStatus.PERSONAL,
    AbsenceStatus.PERSONAL: None,
}


# --- the write -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    created: int
    updated: int
    deleted: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def _enrolled_ids(school: School, term: Term, student_ids: list[int]) -> set[int]:
    return set(
        Enrollment.objects.filter(
            school=school,
            term=term,
            status=EnrollmentStatus.ENROLLED,
            student_id__in=student_ids,
        ).values_list("student_id", flat=True)
    )


def record_absences(
    *,
    school: School,
    date: date,
    marks: Mapping[int, str | None],
    acting_user: Any,
) -> Recorded:
    """Set the day's attendance of the given students of ``school``: a status (``sick``, ``personal``,
    ``unexcused``) records an absence, None marks the child present (removes an absence). Students not
    named are left as they are. The same marks twice change nothing the second time."""
    day = date
    _check_may_record_for(school, acting_user)
    _check_statuses(marks)
    term = _term_of_past_school_day(school, day)
    ids = sorted(int(s) for s in marks)
    _check_all_enrolled(school, term, ids)
    with transaction.atomic():
        result = _apply_marks(school, day, ids, marks)
        if result.changed:
            record(
                "retention.attendance.record",
                acting_user=acting_user,
                object_type="School",
                object_id=school.code,
                detail={
                    "date": day.isoformat(),
                    "marks": {str(k): marks[k] for k in ids},
                    "created": result.created,
                    "updated": result.updated,
                    "deleted": result.deleted,
                },
            )
    return result


def _check_may_record_for(school: School, acting_user: Any) -> None:
    """A user records attendance for their own school only (None: the system)."""
    if acting_user is not None and not (
        may_record_attendance(acting_user) and acting_user.school_id == school.pk
    ):
        raise RetentionRefused(
            "只能记录本校的考勤 / attendance is recorded for one's own school only"
        )


def _check_statuses(marks: Mapping[int, str | None]) -> None:
    """Every mark is None (present) or a known absence status."""
    bad = sorted({str(s) for s in marks.values() if s is not None and s not in STATUSES})
    if bad:
        raise RetentionRefused(
            f"未知的考勤状态：{'、'.join(bad)} / unknown status: {', '.join(bad)}"
        )


def _term_of_past_school_day(school: School, day: date) -> Term:
    """The term of ``day``, which must not be in the future and must be a school day of ``school``."""
    if day > calendar.today():
        raise RetentionRefused(
            f"{day.isoformat()} 在将来，不能预先记录缺勤 / "
            f"{day.isoformat()} is in the future; absences are recorded after the day"
        )
    reason = calendar.not_a_school_day(day, school.pk)
    if reason is not None:
        raise RetentionRefused(str(reason))
    term = calendar.term_of(day)
    assert term is not None  # a school day lies in a term
    return term


def _check_all_enrolled(school: School, term: Term, ids: list[int]) -> None:
    """Every student marked is enrolled at ``school`` in ``term``."""
    strangers = set(ids) - _enrolled_ids(school, term, ids)
    if strangers:
        raise RetentionRefused(
            f"{len(strangers)} 名学生本学期不在 {school.name} 就读 / "
            f"{len(strangers)} student(s) not enrolled at {school.code} in {term.code}: "
            f"{sorted(strangers)[:10]}"
        )


def _apply_marks(
    school: School, day: date, ids: list[int], marks: Mapping[int, str | None]
) -> Recorded:
    """Create, update and delete the day's absences so they match the marks (inside the caller's
    transaction); returns what changed."""
    have = {
        a.student_id: a
        for a in Absence.objects.select_for_update().filter(student_id__in=ids, date=day)
    }
    new, changed, gone, unchanged = [], [], [], 0
    now = timezone.now()
    for student_id in ids:
        status, absence = marks[student_id], have.get(student_id)
        if status is None:
            if absence is None:
                unchanged += 1
            else:
                gone.append(absence.pk)
        elif absence is None:
            new.append(Absence(student_id=student_id, school=school, date=day, status=status))
        elif absence.status != status or absence.school_id != school.pk:
            absence.status, absence.school, absence.updated_at = status, school, now
            changed.append(absence)
        else:
            unchanged += 1
    Absence.objects.bulk_create(new)
    Absence.objects.bulk_update(changed, ["status", "school", "updated_at"])
    Absence.objects.filter(pk__in=gone).delete()
    return Recorded(len(new), len(changed), len(gone), unchanged)


# --- the entry page's reads ----------------------------------------------------------------------


def _school_of(user: Any) -> int:
    if not may_record_attendance(user):
        raise Http404("no class to take attendance for")
    return int(user.school_id)


def class_names(user: Any, term: Term | None) -> list[str]:
    """The classes of the user's school in the term, in order."""
    if term is None:
        return []
    names = (
        Enrollment.objects.filter(
            term=term, school_id=_school_of(user), status=EnrollmentStatus.ENROLLED
        )
        .values_list("stage", "grade", "class_name")
        .distinct()
    )
    return [_label(grade, name) for _stage, grade, name in sorted(set(names))]


def _label(grade: int, class_name: str) -> str:
    return f"{grade}-{class_name}" if class_name else f"{grade}-"


def _parse_label(label: str) -> tuple[int, str] | None:
    grade, sep, name = label.partition("-")
    if not sep or not grade.isdigit():
        return None
    return int(grade), name


@dataclass
class SheetRow:
    student_id: int
    name: str
    number_masked: str
    status: str | None

    @property
    def next_status(self) -> str | None:
        return NEXT_STATUS[self.status]

    @property
    def status_label(self) -> str:
        return str(AbsenceStatus(self.status).label) if self.status else ""

    @property
    def next_status_label(self) -> str:
        following = self.next_status
        return str(AbsenceStatus(following).label) if following else str(_("present"))


@dataclass
class ClassSheet:
    school: School | None
    term: Term | None
    day: date
    classes: list[str]
    class_label: str
    not_a_school_day: str = ""
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def absent(self) -> int:
        return sum(1 for r in self.rows if r.status)


def class_sheet(user: Any, day: date, class_label: str) -> ClassSheet:
    """The user's school's class on ``day``: its enrolled students with the day's absences, or why the
    day cannot be recorded (in the future, not a school day)."""
    school_id = _school_of(user)
    school = School.objects.get(pk=school_id)
    term = calendar.term_of(day)
    classes = class_names(user, term)
    if class_label not in classes:
        class_label = classes[0] if classes else ""
    sheet = ClassSheet(school, term, day, classes, class_label)
    if day > calendar.today():
        sheet.not_a_school_day = f"{day.isoformat()} 在将来 / {day.isoformat()} is in the future"
    else:
        reason = calendar.not_a_school_day(day, school_id)
        sheet.not_a_school_day = str(reason) if reason else ""
    parsed = _parse_label(class_label)
    if term is None or parsed is None:
        return sheet
    grade, name = parsed
    enrolments = (
        Enrollment.objects.filter(
            term=term,
            school_id=school_id,
            status=EnrollmentStatus.ENROLLED,
            grade=grade,
            class_name=name,
        )
        .select_related("student__person")
        .order_by("student__person__name_norm", "student_id")
    )
    students = [e.student for e in enrolments]
    marks = dict(
        Absence.objects.filter(student__in=students, date=day).values_list("student_id", "status")
    )
    sheet.rows = [
        SheetRow(s.pk, s.person.name, s.student_number_masked, marks.get(s.pk)) for s in students
    ]
    return sheet


def enrolled_at(user: Any, student_id: int, day: date) -> SheetRow:
    """One student of the user's school in the term holding ``day``, with the day's mark; else 404."""
    school_id = _school_of(user)
    term = calendar.term_of(day)
    enrolment = (
        Enrollment.objects.filter(
            term=term,
            school_id=school_id,
            student_id=student_id,
            status=EnrollmentStatus.ENROLLED,
        )
        .select_related("student__person")
        .first()
        if term
        else None
    )
    if enrolment is None:
        raise Http404("no such student in this school")
    student = enrolment.student
    status = Absence.objects.filter(student=student, date=day).values_list("status", flat=True)
    return SheetRow(student.pk, student.person.name, student.student_number_masked, status.first())


# --- one student's figures -----------------------------------------------------------------------


def _place(student_id: int, term: Term) -> int | None:
    """The student's school in the term: the enrolled place, else the latest place held."""
    held = list(
        Enrollment.objects.filter(term=term, student_id=student_id)
        .order_by("pk")
        .values_list("school_id", "status")
    )
    enrolled = [school for school, status in held if status == EnrollmentStatus.ENROLLED]
    found = enrolled or [school for school, _status in held]
    return found[-1] if found else None


@dataclass(frozen=True)
class StudentAttendance:
    term: Term
    as_of: date
    school_days: int
    absent_days: int
    unexcused_days: int
    longest_run: int
    attendance_rate: float

    @property
    def attendance_percent(self) -> str:
        """The rate as a percentage with one decimal (97.4), for the page."""
        return f"{self.attendance_rate * 100:.1f}"


def student_attendance(
    student_id: int, term: Term | None, *, school_id: int | None = None
) -> StudentAttendance | None:
    """The student's attendance in ``term`` up to today (or the term's end): school days (less their
    school's closures), attendance rate, unexcused days, longest unexcused run. None without a place
    in the term. ``school_id`` is the student's school that term when the caller knows it (saves a
    query). The caller has already found the student in the user's scope. Two or three queries."""
    if term is None:
        return None
    place = school_id if school_id is not None else _place(student_id, term)
    if place is None:
        return None
    as_of = min(term.end_date, calendar.today())
    if as_of < term.start_date:
        as_of = term.start_date
    places = pl.DataFrame(
        {"student_id": [student_id], "school_id": [place]},
        schema={"student_id": pl.Int64, "school_id": pl.Int64},
    )
    absences = pl.DataFrame(
        list(
            Absence.objects.filter(
                student_id=student_id, date__range=(term.start_date, as_of)
            ).values_list("student_id", "school_id", "date", "status")
        ),
        schema={
            "student_id": pl.Int64,
            "school_id": pl.Int64,
            "date": pl.Date,
            "status": pl.String,
        },
        orient="row",
    )
    closures = bulk.read_closures(term.start_date, as_of, school_id=place)
    row = bulk.attendance(
        places,
        absences,
        calendar.school_days(term.start_date, as_of),
        as_of,
        closures=closures,
    ).row(0, named=True)
    return StudentAttendance(
        term,
        as_of,
        row["school_days"],
        row["absent_days"],
        row["unexcused_days"],
        row["longest_run"],
        row["attendance_rate"],
    )
