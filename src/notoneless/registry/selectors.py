"""Reads of the registers, always scoped to what the user may see.

- County administrator, aid officer and auditor (and superusers) see the whole county.
- School officer and teacher see their school; a central school also its teaching points.
- A township officer sees the township's schools, the children enrolled there, and the children
  whose household village or hukou village lies in the township, wherever they study.

An object out of scope is simply not found: ``get_*`` raise ``Http404``. Every function runs a fixed
number of queries, however many rows it returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notoneless.accounts.models import COUNTY_WIDE_ROLES, SCHOOL_ROLES, Role
from notoneless.lib import names, resident_id
from notoneless.registry import choices, protection
from notoneless.registry.models import (
    AssistanceRecord,
    DisabilityRecord,
    Division,
    Enrollment,
    Household,
    HukouRecord,
    ImportRun,
    Person,
    PovertyMember,
    RegisterRecord,
    School,
    Student,
    StudentNumber,
    StudyElsewhereRecord,
    Term,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from notoneless.accounts.models import User

__all__ = [
    "CountyOverview",
    "SchoolDetail",
    "county_overview",
    "current_term",
    "enrolments_for",
    "get_person",
    "get_school",
    "get_student",
    "persons_for",
    "school_detail",
    "schools_for",
    "search_students",
    "students_for",
    "villages_with_households",
]

SUFFIX_CANDIDATES_MAX = 5_000
_ID_SUFFIX = re.compile(r"^\d{3,5}[\dX]$")
_FULL_ID = re.compile(r"^(\d{15}|\d{17}[\dX])$")
_STUDENT_NUMBER = re.compile(r"^[GJL](?=.*\d)[\dA-Z]{5,}$")
_NOTHING = Q(pk__in=[])


# --- terms ---------------------------------------------------------------------------------------


def current_term() -> Term | None:
    """The latest term that has started (the latest term at all if none has)."""
    today = timezone.localdate()
    terms = Term.objects.order_by("-start_date")
    return terms.filter(start_date__lte=today).first() or terms.first()


def _term(term: Term | str | None) -> Term | None:
    if term is None or isinstance(term, Term):
        return term or current_term()
    found = Term.objects.filter(code=term).first()
    if found is None:
        raise Http404(f"no term {term}")
    return found


# --- scope ---------------------------------------------------------------------------------------


def is_county_wide(user: User) -> bool:
    return bool(user.is_superuser or user.role in COUNTY_WIDE_ROLES)


def _scope_kind(user: User) -> str:
    """``county``, ``school``, ``township`` or ``none`` (inactive, or role without its place)."""
    if not user.is_authenticated or not user.is_active:
        return "none"
    if is_county_wide(user):
        return "county"
    if user.role in SCHOOL_ROLES and user.school_id:
        return "school"
    if user.role == Role.TOWNSHIP_OFFICER and user.township_id:
        return "township"
    return "none"


def _school_scope(user: User) -> Q:
    """The schools the user may see, as a condition on ``School``."""
    kind = _scope_kind(user)
    if kind == "county":
        return Q()
    if kind == "school":
        return Q(pk=user.school_id) | Q(central_school_id=user.school_id)
    if kind == "township":
        return Q(township_id=user.township_id)
    return _NOTHING


def _enrolled_in_scope(user: User, term: Term | None) -> QuerySet[Enrollment]:
    schools = School.objects.filter(_school_scope(user))
    return Enrollment.objects.filter(term=term, school__in=schools)


def _people_scope(user: User, term: Term | None, *, via: str) -> Q:
    """The persons the user may see, as a condition on ``Person`` (``via=""``) or on a model that points
    to one (``via="person__"`` on ``Student``): enrolled in the user's schools this term, and for a
    township officer also every child whose household or hukou village is in the township."""
    kind = _scope_kind(user)
    if kind in ("county", "none"):
        return Q() if kind == "county" else _NOTHING
    enrolled = _enrolled_in_scope(user, term).values("student__person_id")
    scope = Q(**{f"{via}pk__in": enrolled})
    if kind == "township":
        scope |= Q(**{f"{via}household__village__parent_id": user.township_id})
        scope |= Q(**{f"{via}hukou_village__parent_id": user.township_id})
    return scope


def _student_scope(user: User, term: Term | None) -> Q:
    """The students the user may see, as a condition on ``Student``."""
    return _people_scope(user, term, via="person__")


def _person_scope(user: User, term: Term | None) -> Q:
    """The persons the user may see, as a condition on ``Person``."""
    return _people_scope(user, term, via="")


# --- schools -------------------------------------------------------------------------------------


def schools_for(user: User, *, term: Term | str | None = None) -> QuerySet[School]:
    """The schools in scope, with township and ``student_count`` (students enrolled in the term)."""
    enrolled = (
        Enrollment.objects.filter(term=_term(term), school=OuterRef("pk"))
        .values("school")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        School.objects.filter(_school_scope(user))
        .select_related("township", "central_school")
        .annotate(student_count=Coalesce(Subquery(enrolled), 0))
        .order_by("township__code", "code")
    )


def get_school(user: User, school_id: int) -> School:
    school = schools_for(user).filter(pk=school_id).first()
    if school is None:
        raise Http404("no such school")
    return school


@dataclass
class SchoolDetail:
    school: School
    term: Term | None
    by_grade: Sequence[tuple[_StrOrPromise, int, int]]
    by_status: Sequence[tuple[_StrOrPromise, int]]
    teaching_points: list[School]


def school_detail(user: User, school_id: int) -> SchoolDetail:
    """A school, this term's enrolments by stage and grade and by status, its teaching points."""
    school = get_school(user, school_id)
    term = current_term()
    enrolments = Enrollment.objects.filter(term=term, school=school)
    grades = enrolments.values("stage", "grade").annotate(n=Count("id"))
    stage_order = {value: i for i, value in enumerate(choices.Stage.values)}
    by_grade = [
        (choices.Stage(row["stage"]).label, row["grade"], row["n"])
        for row in sorted(grades, key=lambda row: (stage_order.get(row["stage"], 99), row["grade"]))
    ]
    statuses = _counts(enrolments.values("status").annotate(n=Count("id")), "status")
    by_status = [
        (s.label, statuses[s.value]) for s in choices.EnrollmentStatus if s.value in statuses
    ]
    points = list(schools_for(user, term=term).filter(central_school=school))
    return SchoolDetail(school, term, by_grade, by_status, points)


# --- students and persons ------------------------------------------------------------------------


def students_for(user: User, term: Term | str | None = None) -> QuerySet[Student]:
    """The students in scope; with a term, only those enrolled (in any status) that term."""
    term_obj = _term(term)
    students = _scoped_students(user, term_obj)
    if term is not None:
        students = students.filter(
            pk__in=Enrollment.objects.filter(term=term_obj).values("student_id")
        )
    return students


def enrolments_for(
    user: User,
    term: Term | None,
    *,
    township_id: int | None = None,
    school_id: int | None = None,
    stage: str = "",
    grade: int | None = None,
    status: str = "",
    name: str = "",
) -> QuerySet[Enrollment]:
    """The term's enrolments in the user's schools (the student register as a list), filtered."""
    rows = _enrolled_in_scope(user, term).select_related("student__person", "school__township")
    if township_id:
        rows = rows.filter(school__township_id=township_id)
    if school_id:
        rows = rows.filter(school_id=school_id)
    if stage:
        rows = rows.filter(stage=stage)
    if grade:
        rows = rows.filter(grade=grade)
    if status:
        rows = rows.filter(status=status)
    if name.strip():
        rows = rows.filter(_name_condition(name.strip(), via="student__person__"))
    return rows


def _scoped_students(user: User, term: Term | None) -> QuerySet[Student]:
    students = Student.objects.filter(_student_scope(user, term))
    return students.select_related("person", "person__household", "person__hukou_village")


def persons_for(user: User) -> QuerySet[Person]:
    """The persons in scope: students, and for a township officer also its villages' residents."""
    persons = Person.objects.filter(_person_scope(user, current_term()))
    return persons.select_related("household", "hukou_village")


def get_person(user: User, person_id: int) -> Person:
    person = persons_for(user).filter(pk=person_id).first()
    if person is None:
        raise Http404("no such person")
    return person


def get_student(user: User, student_id: int) -> Student:
    """One student in scope, with every enrolment (school, term) and the guardians."""
    enrolments = Enrollment.objects.select_related("school", "term").order_by("-term__start_date")
    students = students_for(user).prefetch_related(
        Prefetch("enrollments", queryset=enrolments),
        "person__guardians",
    )
    student = students.filter(pk=student_id).first()
    if student is None:
        raise Http404("no such student")
    return student


def search_students(user: User, query: str, limit: int = 50) -> list[Student]:
    """Students in scope found by name, full student number, full ID or the ID's last 4-6 digits.

    Each result carries ``current_enrollments`` (this term's enrolments, with the school).
    """
    text = query.strip()
    if not text:
        return []
    term = current_term()
    this_term = Enrollment.objects.filter(term=term).select_related("school")
    students = _scoped_students(user, term).prefetch_related(
        Prefetch("enrollments", queryset=this_term, to_attr="current_enrollments")
    )
    number = resident_id.normalise(text)
    if _ID_SUFFIX.match(number):
        return _by_id_suffix(students, number, limit)
    if _FULL_ID.match(number) or _STUDENT_NUMBER.match(number) or number.isdigit():
        return list(students.filter(_number_condition(number)).order_by("pk")[:limit])
    return _by_name(students, text, limit)


def _number_condition(number: str) -> Q:
    """Exact lookup by keyed hash: a resident ID (15 digits upgraded) or a student number."""
    if _FULL_ID.match(number):
        number = resident_id.check(number).normalised
    digest = protection.lookup_hash(number)
    past_numbers = StudentNumber.objects.filter(number_hash=digest).values("student_id")
    return Q(student_number_hash=digest) | Q(pk__in=past_numbers) | Q(person__id_number_hash=digest)


def _by_id_suffix(students: QuerySet[Student], digits: str, limit: int) -> list[Student]:
    """The masked ID shows the last four: narrow on them, then decrypt the few candidates."""
    candidates = students.filter(person__id_number_masked__endswith=digits[-4:]).order_by("pk")
    found = []
    for student in candidates[:SUFFIX_CANDIDATES_MAX]:
        if protection.decrypt(student.person.id_number_enc).endswith(digits):
            found.append(student)
            if len(found) >= limit:
                break
    return found


def _name_condition(text: str, *, via: str) -> Q:
    """A person's name containing ``text``, as typed or in its normalised (simplified) form;
    ``via`` is the path to the person ("person__" from a student)."""
    simplified = names.normalise_names([text])[0]
    return Q(**{f"{via}name_norm__contains": simplified}) | Q(**{f"{via}name__contains": text})


def _by_name(students: QuerySet[Student], text: str, limit: int) -> list[Student]:
    condition = _name_condition(text, via="person__")
    return list(students.filter(condition).order_by("person__name_norm", "pk")[:limit])


# --- overview ------------------------------------------------------------------------------------

REGISTERS: list[tuple[type[RegisterRecord], _StrOrPromise]] = [
    (PovertyMember, _("Poverty register (members)")),
    (AssistanceRecord, _("Minimum-living, extreme-poverty and orphan lists")),
    (DisabilityRecord, _("Disability register")),
    (HukouRecord, _("Household register (school-age children)")),
    (StudyElsewhereRecord, _("Studying outside the county")),
]


@dataclass
class RegisterCount:
    register: _StrOrPromise
    records: int
    linked: int


@dataclass
class CountyOverview:
    term: Term | None
    schools_by_type: Sequence[tuple[_StrOrPromise, int]]
    students_by_stage: Sequence[tuple[_StrOrPromise, int]]
    registered_poor_students: int
    households_by_status: Sequence[tuple[_StrOrPromise, int]]
    register_counts: list[RegisterCount]
    last_imports: list[ImportRun] = field(default_factory=list)

    @property
    def school_total(self) -> int:
        return sum(n for _, n in self.schools_by_type)

    @property
    def student_total(self) -> int:
        return sum(n for _, n in self.students_by_stage)

    @property
    def household_total(self) -> int:
        return sum(n for _, n in self.households_by_status)


def county_overview(user: User) -> CountyOverview:
    """Register counts within the user's scope; the import history for county-wide roles only."""
    term = current_term()
    county_wide = is_county_wide(user)
    schools = (
        School.objects.filter(_school_scope(user)).values("school_type").annotate(n=Count("id"))
    )
    types = _counts(schools, "school_type")
    students = Student.objects.filter(_student_scope(user, term))
    enrolments = Enrollment.objects.filter(term=term)
    if not county_wide:
        enrolments = enrolments.filter(student__in=students)
    stages = _counts(
        enrolments.values("stage").annotate(n=Count("student_id", distinct=True)), "stage"
    )
    poor = students.filter(person__household__poverty_status=choices.PovertyStatus.REGISTERED)
    households = _households_for(user, term).values("poverty_status").annotate(n=Count("id"))
    statuses = _counts(households, "poverty_status")
    return CountyOverview(
        term=term,
        schools_by_type=[(t.label, types[t.value]) for t in choices.SchoolType if t.value in types],
        students_by_stage=[(s.label, stages[s.value]) for s in choices.Stage if s.value in stages],
        registered_poor_students=poor.count(),
        households_by_status=[
            (s.label, statuses[s.value]) for s in choices.PovertyStatus if s.value in statuses
        ],
        register_counts=_register_counts(user, term),
        last_imports=_last_imports() if county_wide else [],
    )


def _last_imports() -> list[ImportRun]:
    return list(ImportRun.objects.select_related("acting_user").order_by("-started_at")[:10])


def _counts(rows: Iterable[Mapping[str, Any]], key: str) -> dict[str, int]:
    return {str(row[key]): int(row["n"]) for row in rows}


def _households_for(user: User, term: Term | None) -> QuerySet[Household]:
    if is_county_wide(user):
        return Household.objects.all()
    condition = Q(pk__in=Person.objects.filter(_person_scope(user, term)).values("household_id"))
    if _scope_kind(user) == "township":
        condition |= Q(village__parent_id=user.township_id)
    return Household.objects.filter(condition)


def _register_counts(user: User, term: Term | None) -> list[RegisterCount]:
    condition = Q()
    if not is_county_wide(user):
        condition = Q(person__in=Person.objects.filter(_person_scope(user, term)))
        if _scope_kind(user) == "township":
            condition |= Q(village__parent_id=user.township_id)
    rows = []
    for model, name in REGISTERS:
        counts = model._default_manager.filter(condition).aggregate(
            records=Count("id"), linked=Count("id", filter=Q(person__isnull=False))
        )
        rows.append(RegisterCount(name, counts["records"], counts["linked"]))
    return rows


def villages_with_households(user: User) -> list[Division]:
    """Villages with households on the poverty register: all for county roles, the township's own for a
    township officer, none for school roles (a household's children may study anywhere)."""
    villages = Division.objects.filter(
        Exists(Household.objects.filter(village=OuterRef("pk"))), level=Division.Level.VILLAGE
    )
    kind = _scope_kind(user)
    if kind == "township":
        villages = villages.filter(parent_id=user.township_id)
    elif kind != "county":
        return []
    return list(villages.select_related("parent").order_by("code"))
