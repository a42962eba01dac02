"""资助认定: a student's hardship grade for a school year, the workflow that sets it and its reads.

A student applies (or the school proposes), the class reviews, the school panel grades 特别困难 / 困难 /
一般困难, the school posts the result (name, class and grade; never the reason) and the county confirms.
The spring term may adjust the autumn result. Students in a hardship group are graded automatically
(应助尽助) by ``record_automatic``, county-wide and in bulk.

Every transition writes an ``IdentificationStep`` and an audit row. ``aid.bulk.read_facts`` reads the
confirmed grades: workflow-confirmed grade > the roster's imported grade > the automatic grade.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from notoneless.accounts.models import SCHOOL_ROLES, Role
from notoneless.aid import bulk, conditions, selectors
from notoneless.aid.errors import AidRefused
from notoneless.aid.models import Identification, IdentificationStep
from notoneless.aid.policy import Pack
from notoneless.aid.workflow import COUNTY_AID_ROLES
from notoneless.audit.actions import record
from notoneless.registry.choices import HardshipGrade
from notoneless.registry.imports import db
from notoneless.registry.models import Enrollment, School, Student, Term
from notoneless.registry.selectors import is_county_wide, schools_for

Step = Identification.Step
Source = Identification.Source
OFFICER_ROLES = frozenset({Role.SCHOOL_OFFICER})
OPEN_STEPS = (Step.APPLIED, Step.CLASS_REVIEWED, Step.GRADED, Step.POSTED)
PUBLIC_STEPS = (Step.POSTED, Step.CONFIRMED)

# --- who may act ---------------------------------------------------------------------------------------


def _is_county_aid(user: Any) -> bool:
    role = getattr(user, "role", "")
    return role != Role.AUDITOR and (
        getattr(user, "is_superuser", False) or role in COUNTY_AID_ROLES
    )


def _require_county_aid(user: Any) -> None:
    if not _is_county_aid(user):
        raise AidRefused(_("Only the county aid office may do this."))


def _require_school_role(user: Any, school: School | None, roles: Iterable[str]) -> None:
    """``user`` holds one of ``roles`` at ``school`` (auditors never)."""
    role = getattr(user, "role", "")
    if role == Role.AUDITOR or role not in roles:
        raise AidRefused(_("Your role may not do this step of an identification."))
    if school is None or not schools_for(user).filter(pk=school.pk).exists():
        name = school.name if school is not None else "?"
        raise AidRefused(_("%(school)s is not one of your schools.") % {"school": name})


def _require_applicant(user: Any, school: School) -> None:
    if not _is_county_aid(user):
        _require_school_role(user, school, SCHOOL_ROLES)


# --- the workflow --------------------------------------------------------------------------------------


def apply(
    *,
    student: Student,
    school_year: int,
    season: str,
    reason: str,
    acting_user: Any,
    proposed: bool = False,
) -> Identification:
    """A student's application (entered by the school) or the school's proposal, for the term of
    ``school_year`` and ``season``; in spring it adjusts the autumn result or is a new application."""
    if not reason.strip():
        raise AidRefused(_("An application needs its reason."))
    term = _term(school_year, season)
    school = _school_in_term(student, term)
    _require_applicant(acting_user, school)
    source = Source.PROPOSAL if proposed else Source.APPLICATION
    with transaction.atomic():
        found = (
            Identification.objects.select_for_update(of=("self",))
            .filter(student=student, school_year=school_year, season=season)
            .first()
        )
        if found is not None and found.step != Step.REJECTED and found.source != Source.AUTOMATIC:
            raise AidRefused(
                _("This student already has an identification this term (%(step)s).")
                % {"step": found.get_step_display()}
            )
        adjusts = _autumn_adjusted(student, school_year) if season == Term.Season.SPRING else None
        now = timezone.now()
        ident = found or Identification(
            student=student, school_year=school_year, season=season, created_at=now
        )
        ident.source, ident.step, ident.grade = source, Step.APPLIED, ""
        ident.reason, ident.school, ident.created_by = reason.strip(), school, _pk_user(acting_user)
        ident.updated_at = now
        ident.save()
        _history([ident], acting_user, now)
        record(
            "aid.identification.apply",
            acting_user=acting_user,
            object_type="Identification",
            object_id=ident.pk,
            detail={**_detail(ident), "source": source, "adjusts_autumn": adjusts},
        )
    return ident


def _term(school_year: int, season: str) -> Term:
    if season not in Term.Season.values:
        raise AidRefused(_("A season is autumn or spring."))
    term = Term.objects.filter(school_year=school_year, season=season).first()
    if term is None:
        raise AidRefused(
            _("Term %(term)s has no student roster yet; import one first.")
            % {"term": f"{school_year}-{season}"}
        )
    return term


def _school_in_term(student: Student, term: Term) -> School:
    place = (
        Enrollment.objects.filter(student=student, term=term, status__in=bulk.ACTIVE)
        .select_related("school")
        .order_by("-pk")
        .first()
    )
    if place is None:
        raise AidRefused(_("The student holds no place in term %(term)s.") % {"term": term.code})
    return place.school


def _autumn_adjusted(student: Student, school_year: int) -> str | None:
    """The autumn grade a spring application adjusts (None for a new applicant); an autumn
    identification still under way must finish first."""
    autumn = Identification.objects.filter(
        student=student, school_year=school_year, season=Term.Season.AUTUMN
    ).first()
    if autumn is None:
        return None
    if autumn.step in OPEN_STEPS:
        raise AidRefused(
            _(
                "The autumn identification is still at step %(step)s; finish it before a spring adjustment."
            )
            % {"step": autumn.get_step_display()}
        )
    return autumn.grade if autumn.step == Step.CONFIRMED else ""


def class_review(
    *, identification: Identification, approve: bool, note: str = "", acting_user: Any
) -> Identification:
    """The class (head teacher and class representatives) reviews the application."""
    target = Step.CLASS_REVIEWED if approve else Step.REJECTED
    check = _at_school(acting_user, SCHOOL_ROLES)
    return _move_one(identification, Step.APPLIED, target, acting_user, note=note, check=check)


def grade(
    *, identification: Identification, grade: str, acting_user: Any, note: str = ""
) -> Identification:
    """The school panel's grade; ``""`` means not identified, which rejects the application."""
    if grade not in HardshipGrade.values:
        raise AidRefused(
            _("Unknown hardship grade %(grade)s: use special, difficult or general.")
            % {"grade": grade}
        )
    target = Step.GRADED if grade else Step.REJECTED
    check = _at_school(acting_user, OFFICER_ROLES)
    return _move_one(
        identification,
        Step.CLASS_REVIEWED,
        target,
        acting_user,
        note=note,
        grade=grade,
        check=check,
    )


def post(
    *,
    acting_user: Any,
    identifications: Sequence[Identification] | None = None,
    school: School | None = None,
    school_year: int | None = None,
    season: str | None = None,
) -> int:
    """The school posts its graded identifications (公示): the given ones, or all graded ones of
    ``school`` for the term. Returns how many were posted."""
    if identifications is None:
        if school is None or school_year is None or season is None:
            raise AidRefused(_("Say which identifications to post, or the school and term."))
        identifications = list(
            Identification.objects.filter(
                school=school, school_year=school_year, season=season, step=Step.GRADED
            )
        )
    if not identifications:
        raise AidRefused(_("Nothing graded to post."))
    return _move_many(
        identifications,
        Step.GRADED,
        Step.POSTED,
        acting_user,
        check=_at_school(acting_user, OFFICER_ROLES),
    )


def confirm(*, identifications: Sequence[Identification], acting_user: Any) -> int:
    """The county confirms posted identifications; from then on the grade counts in compute."""
    _require_county_aid(acting_user)
    if not identifications:
        raise AidRefused(_("Nothing posted to confirm."))
    return _move_many(identifications, Step.POSTED, Step.CONFIRMED, acting_user)


def reject(*, identification: Identification, note: str, acting_user: Any) -> Identification:
    """Not identified, at any open step, by whoever would take the next step (a posted one also by
    the county, which declines to confirm it)."""
    if not note.strip():
        raise AidRefused(_("Say why the student is not identified."))

    def check(ident: Identification) -> None:
        if ident.step == Step.POSTED and _is_county_aid(acting_user):
            return
        roles = SCHOOL_ROLES if ident.step == Step.APPLIED else OFFICER_ROLES
        _require_school_role(acting_user, ident.school, roles)

    return _move_one(
        identification, OPEN_STEPS, Step.REJECTED, acting_user, note=note, grade="", check=check
    )


Check = Callable[[Identification], None]


def _at_school(user: Any, roles: Iterable[str]) -> Check:
    """A check that ``user`` holds one of ``roles`` at the identification's school."""
    return lambda ident: _require_school_role(user, ident.school, roles)


def _move_one(
    identification: Identification,
    from_steps: str | Sequence[str],
    to: str,
    acting_user: Any,
    *,
    note: str = "",
    grade: str | None = None,
    check: Check | None = None,
) -> Identification:
    _move_many([identification], from_steps, to, acting_user, note=note, grade=grade, check=check)
    identification.refresh_from_db()
    return identification


def _move_many(
    identifications: Sequence[Identification],
    from_steps: str | Sequence[str],
    to: str,
    acting_user: Any,
    *,
    note: str = "",
    grade: str | None = None,
    check: Check | None = None,
) -> int:
    """Move every one of ``identifications`` from one of ``from_steps`` to ``to``, all or none: each is
    locked, then its step checked and ``check(identification)`` (which refuses what the user may not
    do) run once per school and step."""
    allowed = (from_steps,) if isinstance(from_steps, str) else tuple(from_steps)
    with transaction.atomic():
        locked = list(
            Identification.objects.select_for_update(of=("self",))
            .filter(pk__in=[i.pk for i in identifications])
            .select_related("student__person", "school")
            .order_by("pk")
        )
        for ident in locked:
            if ident.step not in allowed:
                raise AidRefused(_out_of_order(ident, allowed))
        for ident in {(i.school_id, i.step): i for i in locked}.values():
            if check is not None:
                check(ident)
        now = timezone.now()
        for ident in locked:
            before = ident.step
            ident.step, ident.updated_at = to, now
            if grade is not None:
                ident.grade = grade
            if to == Step.REJECTED:
                ident.grade = ""
            ident.save(update_fields=["step", "grade", "updated_at"])
            record(
                f"aid.identification.{to}",
                acting_user=acting_user,
                object_type="Identification",
                object_id=ident.pk,
                detail={**_detail(ident), "from": before},
            )
        _history(locked, acting_user, now, note=note.strip())
    return len(locked)


def _out_of_order(ident: Identification, allowed: Sequence[str]) -> str:
    wanted = "、".join(str(Step(s).label) for s in allowed)
    return _("%(name)s's identification is at step %(step)s; this step needs it at %(wanted)s.") % {
        "name": ident.student.person.name,
        "step": ident.get_step_display(),
        "wanted": wanted,
    }


def _history(
    identifications: Sequence[Identification], acting_user: Any, at: Any, note: str = ""
) -> None:
    IdentificationStep.objects.bulk_create(
        IdentificationStep(
            identification=i,
            step=i.step,
            grade=i.grade,
            acting_user=_pk_user(acting_user),
            at=at,
            note=note,
        )
        for i in identifications
    )


def _detail(ident: Identification) -> dict[str, Any]:
    """What the audit keeps of an identification: never the reason (private)."""
    return {
        "student": ident.student_id,
        "school": ident.school_id,
        "term": f"{ident.school_year}-{ident.season}",
        "step": ident.step,
        "grade": ident.grade,
    }


def _pk_user(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


# --- automatic grades (应助尽助), in bulk -----------------------------------------------------------------


@dataclass(frozen=True)
class AutomaticOutcome:
    term: str
    created: int
    refreshed: int
    withdrawn: int
    unchanged: int
    held_by_workflow: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_IDENT_SCHEMA = {
    "id": pl.Int64,
    "student_id": pl.Int64,
    "season": pl.String,
    "source": pl.String,
    "step": pl.String,
    "grade": pl.String,
    "school_id": pl.Int64,
}


def record_automatic(*, school_year: int, season: str, acting_user: Any) -> AutomaticOutcome:
    """Confirmed identifications (source automatic) for the students of the term graded by the pack's
    ``auto_grades``: those in a hardship group with no workflow-confirmed and no roster grade. The rows
    the workflow made are never touched; earlier automatic rows are refreshed, and withdrawn (step
    rejected) when the student no longer qualifies. Columnar: a few reads and bulk writes in all."""
    _require_county_aid(acting_user)
    term = _term(school_year, season)
    pack = selectors.pack_for(term.code)
    with transaction.atomic():
        facts = bulk.read_facts(term.pk, school_year, season, pack)
        existing = _identifications(school_year, season)
        graded = _automatic(facts, existing, season, pack)
        here = existing.filter(pl.col("season") == season)
        workflow = here.filter(pl.col("source") != Source.AUTOMATIC)["student_id"].implode()
        held = pl.col("workflow") | pl.col("student_id").is_in(workflow)
        graded, n_held = graded.filter(~held).drop("workflow"), graded.filter(held).height
        mine = here.filter(pl.col("source") == Source.AUTOMATIC)
        created = _create(graded.join(mine, on="student_id", how="anti"), term, acting_user)
        refreshed, unchanged = _refresh(graded, mine, acting_user)
        withdrawn = _withdraw(mine, graded, acting_user)
        outcome = AutomaticOutcome(term.code, created, refreshed, withdrawn, unchanged, n_held)
        record(
            "aid.identification.automatic",
            acting_user=acting_user,
            object_type="Term",
            object_id=term.pk,
            detail=outcome.as_dict(),
        )
    return outcome


def _identifications(school_year: int, season: str) -> pl.DataFrame:
    seasons = ("autumn", "spring") if season == Term.Season.SPRING else ("autumn",)
    marks = ", ".join(["%s"] * len(seasons))
    return db.read_frame(
        f"SELECT id, student_id, season, source, step, grade, school_id"
        f" FROM {db.quote(db.table(Identification))}"
        f" WHERE school_year = %s AND season IN ({marks})",
        [school_year, *seasons],
        schema=_IDENT_SCHEMA,
    )


def _automatic(
    facts: pl.DataFrame, existing: pl.DataFrame, season: str, pack: Pack
) -> pl.DataFrame:
    """(student_id, school_id, grade, workflow) of the students in a hardship group without a roster
    grade: the automatic grade as ``read_facts`` would give it if no automatic row existed, and whether
    the workflow confirmed a grade instead (which comes first)."""
    workflow = (
        existing.filter(
            (pl.col("source") != Source.AUTOMATIC)
            & (pl.col("step") == Step.CONFIRMED)
            & (pl.col("grade") != "")
        )
        .sort("season", descending=season == Term.Season.SPRING)
        .unique("student_id", keep="first")
        .select("student_id", pl.lit(True).alias("workflow"))
    )
    roster = db.read_frame(
        f"SELECT id AS student_id FROM {db.quote(db.table(Student))} WHERE hardship_grade <> ''",
        schema={"student_id": pl.Int64},
    ).with_columns(pl.lit(True).alias("roster"))
    return (
        facts.join(workflow, on="student_id", how="left")
        .join(roster, on="student_id", how="left")
        .filter(pl.col("roster").is_null())
        .select(
            "student_id",
            "school_id",
            _auto_grade(pack).alias("grade"),
            pl.col("workflow").fill_null(False),
        )
        .filter(pl.col("grade") != "")
    )


def _auto_grade(pack: Pack) -> pl.Expr:
    """The pack's first automatic grade whose hardship group holds, else ``""``."""
    grade = pl.lit("")
    for auto in reversed(pack.spec.auto_grades):
        holds = conditions.expr(pack.named.nodes[auto.ref], pack.named.nodes)
        grade = pl.when(holds).then(pl.lit(auto.grade)).otherwise(grade)
    return grade


def _create(rows: pl.DataFrame, term: Term, acting_user: Any) -> int:
    if rows.height == 0:
        return 0
    now = db.db_datetime(timezone.now())
    user_id = getattr(acting_user, "pk", None)
    frame = rows.select(
        pl.Series("id", db.reserve_ids(Identification, rows.height), dtype=pl.Int64),
        "student_id",
        pl.lit(term.school_year, dtype=pl.Int64).alias("school_year"),
        pl.lit(term.season).alias("season"),
        pl.lit(Source.AUTOMATIC.value).alias("source"),
        pl.lit(Step.CONFIRMED.value).alias("step"),
        "grade",
        pl.lit("").alias("reason"),
        "school_id",
        pl.lit(user_id, dtype=pl.Int64).alias("created_by_id"),
        pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"),
    )
    db.insert(Identification, frame)
    _bulk_history(frame, acting_user, _("in a hardship group"))
    return frame.height


def _refresh(graded: pl.DataFrame, mine: pl.DataFrame, acting_user: Any) -> tuple[int, int]:
    """Earlier automatic rows of students still graded automatically: the grade, school or step
    (a withdrawn row comes back) brought up to date. Returns (refreshed, unchanged)."""
    both = graded.join(mine, on="student_id", how="inner", suffix="_old")
    stale = both.filter(
        (pl.col("grade") != pl.col("grade_old"))
        | (pl.col("step") != Step.CONFIRMED)
        | pl.col("school_id").ne_missing(pl.col("school_id_old"))
    )
    frame = stale.select("id", pl.lit(Step.CONFIRMED.value).alias("step"), "grade", "school_id")
    _bulk_update(frame, acting_user, _("in a hardship group"))
    return frame.height, both.height - frame.height


def _withdraw(mine: pl.DataFrame, graded: pl.DataFrame, acting_user: Any) -> int:
    """Confirmed automatic rows of students no longer graded automatically (out of the groups, or
    graded by the roster or the workflow since) are withdrawn: step rejected, no grade."""
    gone = mine.filter(pl.col("step") == Step.CONFIRMED).join(graded, on="student_id", how="anti")
    frame = gone.select(
        "id",
        pl.lit(Step.REJECTED.value).alias("step"),
        pl.lit("").alias("grade"),
        "school_id",
    )
    _bulk_update(frame, acting_user, _("no longer graded automatically"))
    return frame.height


def _bulk_update(frame: pl.DataFrame, acting_user: Any, note: str) -> None:
    if frame.height == 0:
        return
    now = db.db_datetime(timezone.now())
    db.update(Identification, frame.with_columns(pl.lit(now).alias("updated_at")))
    _bulk_history(frame, acting_user, note)


def _bulk_history(frame: pl.DataFrame, acting_user: Any, note: str) -> None:
    now = db.db_datetime(timezone.now())
    steps = frame.select(
        pl.Series("id", db.reserve_ids(IdentificationStep, frame.height), dtype=pl.Int64),
        pl.col("id").alias("identification_id"),
        "step",
        "grade",
        pl.lit(getattr(acting_user, "pk", None), dtype=pl.Int64).alias("acting_user_id"),
        pl.lit(now).alias("at"),
        pl.lit(str(note)).alias("note"),
    )
    db.insert(IdentificationStep, steps)


# --- reads ----------------------------------------------------------------------------------------------


def identifications_for(
    user: Any,
    *,
    school_year: int,
    season: str,
    school: School | None = None,
    step: str | None = None,
) -> QuerySet[Identification]:
    """The identifications of the term at schools the user may see."""
    qs = Identification.objects.filter(school_year=school_year, season=season)
    if not is_county_wide(user):
        qs = qs.filter(school__in=schools_for(user).values("pk"))
    if school is not None:
        qs = qs.filter(school=school)
    if step is not None:
        qs = qs.filter(step=step)
    return qs.select_related("student__person", "school").order_by(
        "school__code", "student__person__name", "pk"
    )


def access_identification(user: Any, identification_id: int) -> Identification:
    """One identification, if it belongs to a school the user may see."""
    found = Identification.objects.filter(pk=identification_id).select_related(
        "student__person", "school"
    )
    if not is_county_wide(user):
        found = found.filter(school__in=schools_for(user).values("pk"))
    ident = found.first()
    if ident is None:
        raise AidRefused(_("No such identification among your schools."))
    return ident


def history(user: Any, identification_id: int) -> list[IdentificationStep]:
    ident = access_identification(user, identification_id)
    return list(ident.steps.select_related("acting_user").order_by("at", "pk"))


@dataclass(frozen=True)
class PostedRow:
    """One line of a school's public notice: nothing else may be shown."""

    name: str
    class_name: str
    grade: str


def posting(user: Any, school: School, school_year: int, season: str) -> list[PostedRow]:
    """What the school posts publicly (公示) for the term: name, class and grade of the students it
    graded and posted; never the reason, ID number, address, phone or birth date."""
    if not schools_for(user).filter(pk=school.pk).exists():
        raise AidRefused(_("%(school)s is not one of your schools.") % {"school": school.name})
    rows = Identification.objects.filter(
        school=school,
        school_year=school_year,
        season=season,
        step__in=PUBLIC_STEPS,
        source__in=(Source.APPLICATION, Source.PROPOSAL),
    ).values_list("student_id", "student__person__name", "grade")
    classes = dict(
        Enrollment.objects.filter(
            school=school,
            term__school_year=school_year,
            term__season=season,
            student_id__in=[r[0] for r in rows],
        ).values_list("student_id", "class_name")
    )
    out = [
        PostedRow(name, classes.get(student_id, ""), str(HardshipGrade(grade).label))
        for student_id, name, grade in rows
    ]
    return sorted(out, key=lambda r: (r.class_name, r.name))
