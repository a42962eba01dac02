"""Who answers for a child (控辍保学责任人): the named people on both lines of responsibility, from the
county's assignment table (``Responsible``, imported as the ``responsibles`` kind), plus the guardians.

``people_for`` is what a case copies onto itself when it opens: the administrative line from the child's
township and village (township head, village head, the village's group leaders, resident task-force
members and first secretary), the education line from the township and the school (bureau contact,
principal, the class's head teacher) and the family (the guardians on the student register).
"""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import Q

from notoneless.lib.chinese import grade_label
from notoneless.registry.models import Division, Enrollment, Guardian, School
from notoneless.retention.models import LINE_OF_DUTY, Duty, Line, Responsible

__all__ = ["Party", "class_key", "people_for"]

TOWNSHIP_DUTIES = (Duty.TOWNSHIP_HEAD, Duty.BUREAU_CONTACT)
VILLAGE_DUTIES = (Duty.VILLAGE_HEAD, Duty.GROUP_LEADER, Duty.TASK_FORCE, Duty.FIRST_SECRETARY)
SCHOOL_DUTIES = (Duty.PRINCIPAL, Duty.HEAD_TEACHER)
ORDER = {duty: i for i, duty in enumerate(Duty)}


class Party(NamedTuple):
    line: str
    duty: str
    name: str
    phone_enc: str
    phone_masked: str


def class_key(stage: str | None, grade: int | None, class_name: str) -> str:
    """A class as the assignment table names it within its school: the grade's label before the class
    (``三年级`` + ``1班``), since class names such as ``1班`` repeat in every grade. A class name that
    already starts with its grade is kept as it is; without a grade, the class name alone."""
    class_name = class_name.strip()
    label = grade_label(stage or "", grade) if grade else ""
    if not class_name or not label or class_name.startswith(label):
        return class_name
    return f"{label}{class_name}"


def _place_of_class(person_id: int, school_id: int) -> tuple[str, int] | None:
    """The stage and grade of the person's latest enrolment at the school."""
    row = (
        Enrollment.objects.filter(student__person_id=person_id, school_id=school_id)
        .order_by("-term__start_date", "-pk")
        .values_list("stage", "grade")
        .first()
    )
    return (row[0], row[1]) if row else None


def people_for(
    *,
    person_id: int | None = None,
    school_id: int | None = None,
    class_name: str = "",
    village_id: int | None = None,
    township_id: int | None = None,
    stage: str | None = None,
    grade: int | None = None,
) -> list[Party]:
    """The people who answer for a child, administrative line first, then education, then family.

    ``village_id`` brings the village's head, group leaders, task-force members and first secretary;
    ``township_id`` (else the village's township, else the school's) the township head and the bureau
    contact; ``school_id`` the principal and, with ``class_name``, the class's head teacher (the grade
    is ``grade``/``stage`` when given, else the person's latest enrolment at the school); ``person_id``
    the guardians. Two to four queries, whatever the table's size."""
    if township_id is None and village_id is not None:
        township_id = (
            Division.objects.filter(pk=village_id).values_list("parent_id", flat=True).first()
        )
    if township_id is None and school_id is not None:
        township_id = (
            School.objects.filter(pk=school_id).values_list("township_id", flat=True).first()
        )
    wanted = Q(pk__in=[])
    if township_id is not None:
        wanted |= Q(division_id=township_id, duty__in=TOWNSHIP_DUTIES)
    if village_id is not None:
        wanted |= Q(division_id=village_id, duty__in=VILLAGE_DUTIES)
    if school_id is not None:
        wanted |= Q(school_id=school_id, duty=Duty.PRINCIPAL)
        if class_name.strip():
            if grade is None and person_id is not None:
                stage, grade = _place_of_class(person_id, school_id) or (stage, grade)
            keys = {class_name.strip(), class_key(stage, grade, class_name)}
            wanted |= Q(school_id=school_id, duty=Duty.HEAD_TEACHER, class_name__in=keys)
    people = [
        Party(LINE_OF_DUTY[Duty(duty)], duty, name, enc, masked)
        for duty, name, enc, masked in Responsible.objects.filter(wanted)
        .order_by("pk")
        .values_list("duty", "name", "phone_enc", "phone_masked")
    ]
    people.sort(key=lambda p: ORDER[Duty(p.duty)])
    if person_id is not None:
        people += [
            Party(Line.FAMILY, Duty.GUARDIAN, name, enc, masked)
            for name, enc, masked in Guardian.objects.filter(person_id=person_id)
            .order_by("pk")
            .values_list("name", "phone_enc", "phone_masked")
        ]
    return people
