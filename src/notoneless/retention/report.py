"""The monthly dropout-control report (控辍保学月报) and its consistency checks, built from live data.

Reports go up to the province by the 15th of the following month and must agree with the student
register (学籍) and the poverty register (建档立卡). ``build(month=...)`` reads everything it needs in a
few columnar queries (``registry.imports.db.read_frame``) and works in Polars; ``check(report)`` compares
the figures with fresh, independent counts and returns every disagreement with the rows behind it.

Every figure counts **children** (distinct persons), never enrolment rows or cases: a child with two open
cases (a consecutive run and a monthly count) is one suspected dropout. The figures are as they stood at
the **month end** ``E`` (the last day of the month), whenever the report is run.

The children (适龄儿童) are the persons of compulsory school age on ``E`` (``registry.school_age``: from
the start of the school year after the cut-off birthday to the end-age birthday) that the system knows:

- students of the term holding ``E`` (any enrolment status), except those past compulsory school
  (graduated from junior secondary, or enrolled at senior, vocational or university level); a student
  enrolled at a compulsory stage counts even when the birth date says otherwise (over-age pupils);
- children on the household-register extract (户籍, ``HukouRecord``) of compulsory age, one per linked
  person (linked by matching, or carrying a known person's ID), an unlinked record by its ID hash (or
  itself when it has none): run matching before the report, or a child whose record matching has not
  linked yet is counted twice (once enrolled, once not in school);
- children with a case open during the month (a never-enrolled child found by matching has no student).

Each child is counted in exactly one **placement** column, in this order of precedence:

- ``enrolled`` (在校): an enrolment of status *enrolled* at primary or junior level in the term;
- ``home_taught`` (送教上门): an enrolment of status *home_taught*;
- ``deferred_exempted`` (缓学/免学): an enrolment of status *deferred* or *exempted* (approved), or an
  out-of-school lead verified as deferred;
- ``studying_elsewhere`` (异地就读): a study-elsewhere record with evidence (this term or undated), or an
  out-of-school lead verified as studying elsewhere;
- ``not_in_school`` (未在校): everyone else (never enrolled, transferred out and not enrolled again,
  suspended, dropped out, still in preschool at compulsory age).

So ``school_age = enrolled + home_taught + deferred_exempted + studying_elsewhere + not_in_school``.

The **cases** overlay the placement (a suspected dropout is usually still *enrolled* on the register):

- a case is *open at E* when ``opened_on <= E`` and it was not closed by then (``closed_on`` empty or
  after ``E``);
- ``dropouts`` (辍学): children with a case open at ``E`` that had become a dropout by then
  (``dropout_on <= E``; a case whose status is *dropout* without a ``dropout_on`` counts as one);
- ``suspected`` (疑似辍学): children with a case open at ``E`` and none of them a dropout at ``E``;
- ``still_out`` (仍未返校): children with a case open at ``E`` (``suspected + dropouts``);
- ``returned`` (本月劝返复学): children with a case closed with outcome *returned* within the month.

The ``poor_*`` columns count the same children among those of registered-poor households
(``Person.household`` with poverty status in ``POOR_STATUSES``: 建档立卡, including households that have
exited poverty but keep the policies, as the aid rules do).

**Place**: a child with an enrolment in the term is counted in the township of its school and the stage
of that enrolment (primary or junior; a compulsory-age child still in preschool in primary); any other
child in the township of its household-register village (the person's ``hukou_village``, else the
household-register record's village, else the case's township) and the stage its age expects (the grade a
child on time is in: 1-6 primary, 7-9 junior). A child whose township is unknown is reported on a row of
its own (township ``None``), so the rows always add up to the county.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl
from django.utils import timezone

from notoneless.matching.models import Finding
from notoneless.registry.imports import db
from notoneless.registry.models import (
    Division,
    Enrollment,
    Household,
    HouseholdStatus,
    HukouRecord,
    Person,
    PovertyMember,
    School,
    Student,
    StudyElsewhereRecord,
    Term,
)
from notoneless.registry.school_age import school_age_rule
from notoneless.retention.errors import RetentionRefused
from notoneless.retention.models import Case

__all__ = [
    "COLUMNS",
    "PLACEMENTS",
    "POOR_STATUSES",
    "Disagreement",
    "MonthlyReport",
    "build",
    "check",
    "parse_month",
]

POOR_STATUSES = ("registered", "exited")
COMPULSORY_STAGES = ("primary", "junior")
STAGES = ("primary", "junior")
STAGE_LABELS = {"primary": "小学", "junior": "初中", "all": "合计"}
PLACEMENTS = ("enrolled", "home_taught", "deferred_exempted", "studying_elsewhere", "not_in_school")
CASE_FIGURES = ("suspected", "dropouts", "returned", "still_out")
POOR_FIGURES = ("school_age", *CASE_FIGURES)
# The report's figures, in the order of the official sheet, with their Chinese headers.
COLUMNS: dict[str, str] = {
    "school_age": "适龄儿童少年数",
    "enrolled": "在校生数",
    "home_taught": "送教上门",
    "deferred_exempted": "缓学免学",
    "studying_elsewhere": "异地就读",
    "not_in_school": "未在校",
    "suspected": "疑似辍学",
    "dropouts": "辍学",
    "returned": "本月劝返复学",
    "still_out": "仍未返校",
    **{
        f"poor_{f}": f"其中建档立卡·{label}"
        for f, label in (
            ("school_age", "适龄"),
            ("suspected", "疑似辍学"),
            ("dropouts", "辍学"),
            ("returned", "本月劝返"),
            ("still_out", "仍未返校"),
        )
    },
}
FIGURES = tuple(COLUMNS)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str) -> tuple[date, date]:
    """``YYYY-MM`` as (first day, last day)."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise RetentionRefused(f"月份应写作 YYYY-MM: {text!r} (the month must be YYYY-MM)")
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class Disagreement:
    """One failed consistency check: what disagrees, and the rows behind it."""

    check: str
    title_zh: str
    title_en: str
    rows: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "count": len(self.rows),
            "rows": self.rows,
        }


@dataclass
class MonthlyReport:
    month: str
    start: date
    end: date
    term: str | None
    county: dict[str, str]
    generated_at: datetime
    rows: list[dict[str, Any]]  # one per township and stage
    totals: list[dict[str, Any]]  # the county per stage, then all stages
    checks: list[Disagreement] | None = None
    # the frames the figures were counted from, for ``check``
    children: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    cases: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    term_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "month_start": self.start.isoformat(),
            "month_end": self.end.isoformat(),
            "term": self.term,
            "county": self.county,
            "generated_at": self.generated_at.isoformat(),
            "columns": COLUMNS,
            "rows": self.rows,
            "totals": self.totals,
            "checks": [d.as_dict() for d in self.checks] if self.checks is not None else None,
        }


# --- reading -----------------------------------------------------------------------------------


def _t(model: type) -> str:
    return db.quote(db.table(model))


def _term_for(end: date) -> Term | None:
    """The term holding the month end, else the last one started before it."""
    holding = Term.objects.filter(start_date__lte=end, end_date__gte=end).order_by("-start_date")
    return (
        holding.first() or Term.objects.filter(start_date__lte=end).order_by("-start_date").first()
    )


ENROLMENT_SCHEMA = {
    "enrollment_id": pl.Int64,
    "person_id": pl.Int64,
    "student_id": pl.Int64,
    "school_id": pl.Int64,
    "township_id": pl.Int64,
    "stage": pl.String,
    "grade": pl.Int64,
    "status": pl.String,
}


def read_enrolments(term_id: int | None) -> pl.DataFrame:
    if term_id is None:
        return pl.DataFrame(schema=ENROLMENT_SCHEMA)
    return db.read_frame(
        f"SELECT e.id, st.person_id, e.student_id, e.school_id, s.township_id, e.stage, e.grade,"
        f" e.status FROM {_t(Enrollment)} e JOIN {_t(Student)} st ON st.id = e.student_id"
        f" JOIN {_t(School)} s ON s.id = e.school_id WHERE e.term_id = %s",
        [term_id],
        schema=ENROLMENT_SCHEMA,
    )


CASE_SCHEMA = {
    "case_id": pl.Int64,
    "person_id": pl.Int64,
    "student_id": pl.Int64,
    "school_id": pl.Int64,
    "case_township_id": pl.Int64,
    "trigger": pl.String,
    "opened_on": pl.Date,
    "status": pl.String,
    "dropout_on": pl.Date,
    "outcome": pl.String,
    "closed_on": pl.Date,
}


def read_cases(start: date, end: date) -> pl.DataFrame:
    """Cases opened by the month end and not closed before the month began, with their state at ``end``:
    ``open_at_end``, ``dropout_at_end``, ``returned_in_month``."""
    frame = db.read_frame(
        f"SELECT id, person_id, student_id, school_id, township_id, trigger, opened_on, status,"
        f" dropout_on, outcome, closed_on FROM {_t(Case)}"
        " WHERE opened_on <= %s AND (closed_on IS NULL OR closed_on >= %s)",
        [end, start],
        schema=CASE_SCHEMA,
    )
    open_at_end = pl.col("closed_on").is_null() | (pl.col("closed_on") > end)
    became_dropout = (pl.col("dropout_on") <= end).fill_null(False) | (
        pl.col("dropout_on").is_null() & (pl.col("status") == Case.Status.DROPOUT)
    )
    returned = (pl.col("outcome") == Case.Outcome.RETURNED) & pl.col("closed_on").is_between(
        start, end
    )
    return frame.with_columns(
        open_at_end.alias("open_at_end"),
        (open_at_end & became_dropout).alias("dropout_at_end"),
        returned.fill_null(False).alias("returned_in_month"),
    )


PERSON_SCHEMA = {
    "person_id": pl.Int64,
    "name": pl.String,
    "birth_date": pl.Date,
    "hukou_township_id": pl.Int64,
    "household_id": pl.Int64,
    "poverty_status": pl.String,
    "id_number_hash": pl.String,
}


def read_persons(born_after: date) -> pl.DataFrame:
    """Persons born after ``born_after`` or of unknown birth (the adults of a county are left out)."""
    return db.read_frame(
        f"SELECT p.id, p.name, p.birth_date, v.parent_id, p.household_id, h.poverty_status,"
        f" p.id_number_hash FROM {_t(Person)} p LEFT JOIN {_t(Division)} v ON v.id = p.hukou_village_id"
        f" LEFT JOIN {_t(Household)} h ON h.id = p.household_id"
        " WHERE p.birth_date IS NULL OR p.birth_date > %s",
        [born_after],
        schema=PERSON_SCHEMA,
    )


HUKOU_SCHEMA = {
    "record_id": pl.Int64,
    "person_id": pl.Int64,
    "name": pl.String,
    "birth_date": pl.Date,
    "id_number_hash": pl.String,
    "record_township_id": pl.Int64,
}


def read_hukou() -> pl.DataFrame:
    return db.read_frame(
        f"SELECT r.id, r.person_id, r.name, r.birth_date, r.id_number_hash, v.parent_id"
        f" FROM {_t(HukouRecord)} r LEFT JOIN {_t(Division)} v ON v.id = r.village_id",
        schema=HUKOU_SCHEMA,
    )


def read_accounted(term_id: int | None) -> pl.DataFrame:
    """(person_id, id_number_hash, placement) of children accounted for outside the enrolments:
    studying elsewhere with evidence, and out-of-school leads verified as elsewhere or deferred."""
    schema = {"person_id": pl.Int64, "id_number_hash": pl.String, "placement": pl.String}
    elsewhere = db.read_frame(
        f"SELECT person_id, id_number_hash, 'studying_elsewhere' FROM {_t(StudyElsewhereRecord)}"
        " WHERE evidence <> '' AND (term_id IS NULL OR term_id = %s)",
        [term_id or 0],
        schema=schema,
    )
    verified = db.read_frame(
        f"SELECT person_id, '', CASE verification WHEN 'deferred' THEN 'deferred_exempted'"
        f" ELSE 'studying_elsewhere' END FROM {_t(Finding)} WHERE kind = 'out-of-school'"
        " AND person_id IS NOT NULL AND verification IN ('studying_elsewhere', 'deferred')",
        schema=schema,
    )
    return pl.concat([elsewhere, verified])


def read_townships() -> pl.DataFrame:
    return db.read_frame(
        f"SELECT id, code, name FROM {_t(Division)} WHERE level = 'township'",
        schema={"township_id": pl.Int64, "township_code": pl.String, "township": pl.String},
    )


def _county() -> dict[str, str]:
    county = Division.objects.filter(level=Division.Level.COUNTY).order_by("code").first()
    return {"code": county.code, "name": county.name} if county else {"code": "", "name": ""}


# --- counting ----------------------------------------------------------------------------------


def _ages(births: pl.Series, on: date, school_year: int) -> pl.DataFrame:
    """Per distinct birth date: of compulsory age on ``on``, and the stage a child on time is in."""
    rule = school_age_rule()
    distinct: list[date] = births.drop_nulls().unique().to_list()
    grades = [rule.expected_grade(b, school_year) for b in distinct]
    return pl.DataFrame(
        {
            "birth_date": distinct,
            "compulsory_age": [rule.is_compulsory_age(b, on) for b in distinct],
            "age_stage": ["junior" if g > 6 else "primary" for g in grades],
        },
        schema={"birth_date": pl.Date, "compulsory_age": pl.Boolean, "age_stage": pl.String},
    )


def _enrolment_place(enrolments: pl.DataFrame) -> pl.DataFrame:
    """One enrolment per person: an *enrolled* one first, then a compulsory stage, then the latest."""
    rank = (
        pl.when(pl.col("status") == "enrolled")
        .then(0)
        .when(pl.col("status") == "home_taught")
        .then(1)
        .when(pl.col("status").is_in(["deferred", "exempted"]))
        .then(2)
        .otherwise(3)
    )
    return (
        enrolments.with_columns(
            rank.alias("_rank"), (~pl.col("stage").is_in(COMPULSORY_STAGES)).alias("_late")
        )
        .sort("_rank", "_late", pl.col("enrollment_id"), descending=[False, False, True])
        .unique("person_id", keep="first", maintain_order=True)
        .drop("_rank", "_late")
    )


def _past_compulsory(enrolments: pl.DataFrame) -> pl.Series:
    past = enrolments.filter(
        ((pl.col("stage") == "junior") & (pl.col("status") == "graduated"))
        | pl.col("stage").is_in(["senior", "vocational", "university"])
    )
    return past["person_id"].unique()


def children_frame(
    *,
    end: date,
    school_year: int,
    enrolments: pl.DataFrame,
    persons: pl.DataFrame,
    hukou: pl.DataFrame,
    cases: pl.DataFrame,
    accounted: pl.DataFrame,
) -> pl.DataFrame:
    """One row per child counted: ``key``, ``person_id``, ``name``, ``township_id``, ``stage``,
    ``placement``, ``poor`` and the case figures (``suspected``, ``dropouts``, ``returned``,
    ``still_out``) as booleans. See the module's docstring for the definitions."""
    place = _enrolment_place(enrolments)
    past = _past_compulsory(enrolments)
    hukou = _hukou_linked_by_id_hash(hukou, persons)
    linked_hukou = hukou.filter(pl.col("person_id").is_not_null())
    frame = _persons_in(place, linked_hukou, cases).join(
        persons.drop("id_number_hash"), on="person_id", how="left"
    )
    frame = _with_register_details(frame, linked_hukou)
    unlinked = _unlinked_register_children(hukou)
    frame = pl.concat([frame.select(unlinked.columns), unlinked], how="vertical_relaxed")
    frame = frame.join(_ages(frame["birth_date"], end, school_year), on="birth_date", how="left")
    frame = _with_enrolment_and_case(frame, place, cases)
    frame = frame.filter(_counted(past))
    frame = _placement(frame, accounted)
    return (
        _with_township_stage_and_flags(frame)
        .select(
            "key",
            "person_id",
            "name",
            "township_id",
            "stage",
            "placement",
            "poor",
            "household_id",
            "enrolment_status",
            *CASE_FIGURES,
        )
        .sort("key")
    )


def _hukou_linked_by_id_hash(hukou: pl.DataFrame, persons: pl.DataFrame) -> pl.DataFrame:
    """A household-register record not linked yet whose ID is a known person's is that person."""
    by_hash = (
        persons.filter(pl.col("id_number_hash").fill_null("") != "")
        .unique("id_number_hash", keep="first")
        .select("id_number_hash", pl.col("person_id").alias("_by_hash"))
    )
    return (
        hukou.join(by_hash, on="id_number_hash", how="left")
        .with_columns(pl.coalesce("person_id", "_by_hash").alias("person_id"))
        .drop("_by_hash")
    )


def _persons_in(
    place: pl.DataFrame, linked_hukou: pl.DataFrame, cases: pl.DataFrame
) -> pl.DataFrame:
    """The known persons to consider, once each, with ``_src`` the first source naming them: students
    (0), linked household-register records (1), then cases (2). Students are every enrolled person
    at a compulsory stage, and preschool children (counted later only at compulsory age)."""
    students = place.filter(
        pl.col("stage").is_in(COMPULSORY_STAGES) | pl.col("stage").eq("preschool")
    )
    from_students = students.select("person_id").with_columns(pl.lit(0).alias("_src"))
    from_hukou = linked_hukou.select("person_id").with_columns(pl.lit(1).alias("_src"))
    from_cases = cases.select("person_id").with_columns(pl.lit(2).alias("_src"))
    return (
        pl.concat([from_students, from_hukou, from_cases])
        .sort("_src")
        .unique("person_id", keep="first", maintain_order=True)
    )


def _with_register_details(frame: pl.DataFrame, linked_hukou: pl.DataFrame) -> pl.DataFrame:
    """A linked household-register record may carry the birth date (and township) the person lacks;
    adds ``key`` (the person's id) and an empty ``_hash``."""
    hukou_birth = linked_hukou.group_by("person_id").agg(
        pl.col("birth_date").drop_nulls().first().alias("_hb"),
        pl.col("record_township_id").drop_nulls().first().alias("_ht"),
    )
    frame = frame.join(hukou_birth, on="person_id", how="left").with_columns(
        pl.coalesce("birth_date", "_hb").alias("birth_date"),
        pl.coalesce("hukou_township_id", "_ht").alias("hukou_township_id"),
    )
    return frame.drop("_hb", "_ht").with_columns(
        pl.col("person_id").cast(pl.String).alias("key"),
        pl.lit(None, dtype=pl.String).alias("_hash"),
    )


def _unlinked_register_children(hukou: pl.DataFrame) -> pl.DataFrame:
    """Unlinked household-register children, one per ID hash (or per record without an ID)."""
    return (
        hukou.filter(pl.col("person_id").is_null())
        .with_columns(
            pl.when(pl.col("id_number_hash").fill_null("") != "")
            .then(pl.lit("h:") + pl.col("id_number_hash"))
            .otherwise(pl.lit("r:") + pl.col("record_id").cast(pl.String))
            .alias("key")
        )
        .unique("key", keep="first", maintain_order=True)
        .select(
            pl.lit(None, dtype=pl.Int64).alias("person_id"),
            pl.lit(1).alias("_src"),
            "name",
            "birth_date",
            pl.col("record_township_id").alias("hukou_township_id"),
            pl.lit(None, dtype=pl.Int64).alias("household_id"),
            pl.lit(None, dtype=pl.String).alias("poverty_status"),
            "key",
            pl.col("id_number_hash").alias("_hash"),
        )
    )


def _with_enrolment_and_case(
    frame: pl.DataFrame, place: pl.DataFrame, cases: pl.DataFrame
) -> pl.DataFrame:
    """Adds each person's enrolment (school township, stage, status) and case state."""
    frame = frame.join(
        place.select(
            "person_id",
            pl.col("township_id").alias("school_township_id"),
            pl.col("stage").alias("enrolled_stage"),
            pl.col("status").alias("enrolment_status"),
        ),
        on="person_id",
        how="left",
    )
    return frame.join(_case_state(cases), on="person_id", how="left")


def _compulsory_enrolment() -> pl.Expr:
    """Enrolled at a compulsory stage and not graduated."""
    return pl.col("enrolled_stage").is_in(COMPULSORY_STAGES).fill_null(False) & (
        pl.col("enrolment_status") != "graduated"
    )


def _counted(past: pl.Series) -> pl.Expr:
    """Counted: enrolled at a compulsory stage, of compulsory age, a register child without a birth
    date, or with a case; and not past compulsory education (unless with a case)."""
    counted = (
        _compulsory_enrolment()
        | pl.col("compulsory_age").fill_null(False)
        | (pl.col("birth_date").is_null() & pl.col("_src").eq(1))
        | pl.col("has_case").fill_null(False)
    )
    past_compulsory = pl.col("person_id").is_in(past.implode()).fill_null(False) & ~pl.col(
        "has_case"
    ).fill_null(False)
    return counted & ~past_compulsory


def _with_township_stage_and_flags(frame: pl.DataFrame) -> pl.DataFrame:
    """The township (the school's if enrolled, else the register's or the case's), the stage (the
    compulsory one enrolled in, else the one of the age), ``poor`` and the case figures."""
    enrolled_somewhere = pl.col("enrolment_status").is_not_null()
    return frame.with_columns(
        pl.when(enrolled_somewhere)
        .then(pl.col("school_township_id"))
        .otherwise(pl.coalesce("hukou_township_id", "case_township_id"))
        .alias("township_id"),
        pl.when(_compulsory_enrolment())
        .then(pl.col("enrolled_stage"))
        .otherwise(pl.col("age_stage").fill_null("primary"))
        .alias("stage"),
        pl.col("poverty_status").is_in(POOR_STATUSES).fill_null(False).alias("poor"),
        *[pl.col(f).fill_null(False) for f in CASE_FIGURES],
    )


def _case_state(cases: pl.DataFrame) -> pl.DataFrame:
    """Per person: the case figures at the month end."""
    per = cases.group_by("person_id").agg(
        pl.col("open_at_end").any().alias("still_out"),
        pl.col("dropout_at_end").any().alias("dropouts"),
        pl.col("returned_in_month").any().alias("returned"),
        pl.col("case_township_id").drop_nulls().first(),
        pl.lit(True).alias("has_case"),
    )
    return per.with_columns((pl.col("still_out") & ~pl.col("dropouts")).alias("suspected"))


def _placement(frame: pl.DataFrame, accounted: pl.DataFrame) -> pl.DataFrame:
    by_person = (
        accounted.filter(pl.col("person_id").is_not_null())
        .sort("placement")  # deferred_exempted before studying_elsewhere
        .unique("person_id", keep="first")
        .select("person_id", pl.col("placement").alias("_by_person"))
    )
    by_hash = (
        accounted.filter(pl.col("id_number_hash").fill_null("") != "")
        .unique("id_number_hash", keep="first")
        .select(pl.col("id_number_hash").alias("_hash"), pl.col("placement").alias("_by_hash"))
    )
    frame = frame.join(by_person, on="person_id", how="left").join(by_hash, on="_hash", how="left")
    status = pl.col("enrolment_status")
    placement = (
        pl.when((status == "enrolled") & pl.col("enrolled_stage").is_in(COMPULSORY_STAGES))
        .then(pl.lit("enrolled"))
        .when(status == "home_taught")
        .then(pl.lit("home_taught"))
        .when(status.is_in(["deferred", "exempted"]))
        .then(pl.lit("deferred_exempted"))
        .otherwise(pl.coalesce("_by_person", "_by_hash", pl.lit("not_in_school")))
    )
    return frame.with_columns(placement.alias("placement")).drop("_by_person", "_by_hash")


def _figures(children: pl.DataFrame) -> list[pl.Expr]:
    poor = pl.col("poor")
    return [
        pl.len().cast(pl.Int64).alias("school_age"),
        *[(pl.col("placement") == p).sum().cast(pl.Int64).alias(p) for p in PLACEMENTS],
        *[pl.col(f).sum().cast(pl.Int64).alias(f) for f in CASE_FIGURES],
        poor.sum().cast(pl.Int64).alias("poor_school_age"),
        *[(pl.col(f) & poor).sum().cast(pl.Int64).alias(f"poor_{f}") for f in CASE_FIGURES],
    ]


def tabulate(children: pl.DataFrame, townships: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows per township and stage (every township, both stages, zeros included) and the county
    totals per stage and for all stages, each counted from the children, not by adding rows up."""
    grid = townships.join(pl.DataFrame({"stage": list(STAGES)}), how="cross")
    unknown = children.filter(pl.col("township_id").is_null())["stage"].unique().sort()
    if unknown.len():
        grid = pl.concat(
            [
                grid,
                pl.DataFrame(
                    {
                        "township_id": None,
                        "township_code": "",
                        "township": "（乡镇不详）",
                        "stage": unknown,
                    },
                    schema=grid.schema,
                ),
            ]
        )
    counts = children.group_by("township_id", "stage").agg(_figures(children))
    rows = (
        grid.join(counts, on=["township_id", "stage"], how="left", nulls_equal=True)
        .with_columns(pl.col(f).fill_null(0) for f in FIGURES)
        .with_columns(
            pl.col("stage").replace_strict(STAGES, list(range(len(STAGES))), default=9).alias("_o"),
            (pl.col("township_code") == "").alias("_u"),
        )
        .sort("_u", "township_code", "_o")
        .drop("_o", "_u")
    )
    by_stage = children.group_by("stage").agg(_figures(children))
    by_stage = pl.DataFrame({"stage": list(STAGES)}).join(by_stage, on="stage", how="left")
    whole = children.select(_figures(children)).with_columns(pl.lit("all").alias("stage"))
    totals = pl.concat([by_stage, whole.select(by_stage.columns)], how="vertical_relaxed")
    totals = totals.with_columns(pl.col(f).fill_null(0).cast(pl.Int64) for f in FIGURES)
    return rows, totals


def build(*, month: str) -> MonthlyReport:
    """The report for ``month`` (``YYYY-MM``) from the data as it is now, figures as of the month end."""
    start, end = parse_month(month)
    term = _term_for(end)
    term_id = term.pk if term else None
    school_year = term.school_year if term else (end.year if end.month >= 9 else end.year - 1)
    rule = school_age_rule()
    enrolments = read_enrolments(term_id)
    cases = read_cases(start, end)
    persons = read_persons(date(end.year - rule.end_age - 2, 1, 1))
    children = children_frame(
        end=end,
        school_year=school_year,
        enrolments=enrolments,
        persons=persons,
        hukou=read_hukou(),
        cases=cases,
        accounted=read_accounted(term_id),
    )
    rows, totals = tabulate(children, read_townships())
    return MonthlyReport(
        month=f"{start:%Y-%m}",
        start=start,
        end=end,
        term=term.code if term else None,
        county=_county(),
        generated_at=timezone.now(),
        rows=_labelled(rows).to_dicts(),
        totals=_labelled(totals).to_dicts(),
        children=children,
        cases=cases,
        term_id=term_id,
    )


def _labelled(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("stage").replace_strict(STAGE_LABELS, default=None).alias("stage_label")
    )


# --- checks ------------------------------------------------------------------------------------


def check(report: MonthlyReport) -> list[Disagreement]:
    """Compare the report with fresh, independent counts: the student register, the poverty register,
    its own totals and its cases. Every disagreement comes with the rows behind it; none: an empty list.
    The result is also kept on the report (``report.checks``)."""
    found = [
        *_enrolled_matches_the_register(report),
        *_case_students_on_the_register(report),
        *_poverty_flags_match_the_register(report),
        *_townships_add_up(report),
        *_never_enrolled_not_counted_enrolled(report),
    ]
    report.checks = found
    return found


def _enrolled_matches_the_register(report: MonthlyReport) -> list[Disagreement]:
    """Enrolled per township and stage = the term's *enrolled* compulsory-stage rows of Enrollment."""
    if report.term_id is None:
        return []
    table = db.read_frame(
        f"SELECT s.township_id, e.stage, COUNT(*) FROM {_t(Enrollment)} e"
        f" JOIN {_t(School)} s ON s.id = e.school_id WHERE e.term_id = %s"
        " AND e.status = 'enrolled' AND e.stage IN ('primary', 'junior')"
        " GROUP BY s.township_id, e.stage",
        [report.term_id],
        schema={"township_id": pl.Int64, "stage": pl.String, "register": pl.Int64},
    )
    reported = pl.DataFrame(
        [(r["township_id"], r["stage"], r["township"], r["enrolled"]) for r in report.rows],
        schema={
            "township_id": pl.Int64,
            "stage": pl.String,
            "township": pl.String,
            "report": pl.Int64,
        },
        orient="row",
    )
    both = reported.join(
        table, on=["township_id", "stage"], how="full", coalesce=True, nulls_equal=True
    )
    differ = both.with_columns(pl.col("report", "register").fill_null(0)).filter(
        pl.col("report") != pl.col("register")
    )
    if differ.height == 0:
        return []
    # the enrolments behind the difference: students with more than one enrolled place this term
    twice = db.read_frame(
        f"SELECT e.id, e.student_id, st.person_id, p.name, e.school_id, sc.code, sc.township_id,"
        f" e.stage FROM {_t(Enrollment)} e JOIN {_t(Student)} st ON st.id = e.student_id"
        f" JOIN {_t(Person)} p ON p.id = st.person_id JOIN {_t(School)} sc ON sc.id = e.school_id"
        f" WHERE e.term_id = %s AND e.status = 'enrolled' AND e.stage IN ('primary', 'junior')"
        f" AND e.student_id IN (SELECT student_id FROM {_t(Enrollment)} WHERE term_id = %s"
        " AND status = 'enrolled' AND stage IN ('primary', 'junior')"
        " GROUP BY student_id HAVING COUNT(*) > 1)",
        [report.term_id, report.term_id],
        schema={
            "enrollment_id": pl.Int64,
            "student_id": pl.Int64,
            "person_id": pl.Int64,
            "name": pl.String,
            "school_id": pl.Int64,
            "school_code": pl.String,
            "township_id": pl.Int64,
            "stage": pl.String,
        },
    )
    rows = differ.select(
        pl.lit("figure").alias("kind"), "township_id", "township", "stage", "report", "register"
    ).to_dicts()
    rows += twice.with_columns(pl.lit("enrolment").alias("kind")).to_dicts()
    return [
        Disagreement(
            "enrolled_vs_student_register",
            "在校生数与学籍库本学期在籍记录数不一致",
            "enrolled children differ from the term's enrolments on the student register",
            rows,
        )
    ]


def _case_students_on_the_register(report: MonthlyReport) -> list[Disagreement]:
    """Every case with a student names one on the register this term (enrolled or left this term)."""
    cases = report.cases.filter(pl.col("student_id").is_not_null())
    if cases.height == 0:
        return []
    on_register = read_enrolments(report.term_id)["student_id"].unique()
    missing = cases.filter(~pl.col("student_id").is_in(on_register.implode()))
    if missing.height == 0:
        return []
    return [
        Disagreement(
            "case_student_not_on_register",
            "案件学生不在本学期学籍库中",
            "a case's student has no enrolment on the student register this term",
            missing.select("case_id", "person_id", "student_id", "school_id", "status").to_dicts(),
        )
    ]


def _poverty_flags_match_the_register(report: MonthlyReport) -> list[Disagreement]:
    """A child counted as registered-poor (by its household) is on the poverty register with a household
    whose status the register last recorded as poor, and the other way round; and no
    county's household has a status the poverty register did not last record (changed behind its back)."""
    children = report.children.filter(pl.col("person_id").is_not_null())
    latest = _latest_register_status()
    found = _poor_flags_disagree(children, _register_poor_members(latest))
    return found + _household_statuses_disagree(latest)


def _latest_register_status() -> pl.DataFrame:
    """Per household, ``register_status``: the status the poverty register last recorded. The
    register's history is appended in import order: the highest id is its latest word."""
    latest = db.read_frame(
        f"SELECT household_id, id, poverty_status FROM {_t(HouseholdStatus)}",
        schema={"household_id": pl.Int64, "id": pl.Int64, "status": pl.String},
    )
    return (
        latest.sort("id")
        .unique("household_id", keep="last")
        .select("household_id", pl.col("status").alias("register_status"))
    )


def _register_poor_members(latest: pl.DataFrame) -> pl.DataFrame:
    """Per person on the poverty register in a household last recorded as poor: one such household's
    ``household_number`` and ``member_household_id``."""
    members = db.read_frame(
        f"SELECT m.person_id, m.household_id, h.number FROM {_t(PovertyMember)} m"
        f" JOIN {_t(Household)} h ON h.id = m.household_id WHERE m.person_id IS NOT NULL",
        schema={
            "person_id": pl.Int64,
            "member_household_id": pl.Int64,
            "household_number": pl.String,
        },
    )
    members = members.join(
        latest.rename({"household_id": "member_household_id"}), on="member_household_id", how="left"
    )
    return (
        members.filter(pl.col("register_status").is_in(POOR_STATUSES))
        .group_by("person_id")
        .agg(pl.col("household_number").first(), pl.col("member_household_id").first())
    )


def _poor_flags_disagree(
    children: pl.DataFrame, on_register_poor: pl.DataFrame
) -> list[Disagreement]:
    """Children counted as registered-poor but not on the register as poor, and the other way round."""
    joined = children.select("person_id", "name", "household_id", "poor").join(
        on_register_poor, on="person_id", how="left"
    )
    register_poor = pl.col("member_household_id").is_not_null()
    flagged_only = joined.filter(pl.col("poor") & ~register_poor)
    register_only = joined.filter(~pl.col("poor") & register_poor)
    found = []
    if flagged_only.height:
        found.append(
            Disagreement(
                "poor_not_on_poverty_register",
                "按建档立卡统计的儿童不在建档立卡名册（或名册记录其户非贫困户）",
                "counted as registered-poor but not a member of a poor household on the poverty register",
                flagged_only.select("person_id", "name", "household_id").to_dicts(),
            )
        )
    if register_only.height:
        found.append(
            Disagreement(
                "poverty_register_child_not_counted_poor",
                "建档立卡名册中的儿童未按建档立卡统计",
                "a member of a poor household on the poverty register is not counted as registered-poor",
                register_only.select(
                    "person_id", "name", "household_id", "household_number", "member_household_id"
                ).to_dicts(),
            )
        )
    return found


def _household_statuses_disagree(latest: pl.DataFrame) -> list[Disagreement]:
    """Households whose status differs from what the poverty register last recorded (changed behind
    its back)."""
    households = db.read_frame(
        f"SELECT id, number, poverty_status FROM {_t(Household)}",
        schema={"household_id": pl.Int64, "household_number": pl.String, "status": pl.String},
    ).join(latest, on="household_id", how="left")
    changed = households.filter(~pl.col("status").eq_missing(pl.col("register_status")))
    if not changed.height:
        return []
    return [
        Disagreement(
            "household_status_not_from_register",
            "户的贫困状态与建档立卡名册最近一次导入不一致",
            "a household's poverty status differs from what the poverty register last recorded",
            changed.select(
                "household_id", "household_number", "status", "register_status"
            ).to_dicts(),
        )
    ]


def _townships_add_up(report: MonthlyReport) -> list[Disagreement]:
    """The township rows of each stage add up to the county total of that stage, and the stages to
    the whole county."""
    rows = pl.DataFrame(report.rows)
    totals = {t["stage"]: t for t in report.totals}
    found = []
    for stage in (*STAGES, "all"):
        part = rows if stage == "all" else rows.filter(pl.col("stage") == stage)
        for figure in FIGURES:
            added = int(part[figure].sum()) if part.height else 0
            total = int(totals.get(stage, {}).get(figure, 0))
            if added != total:
                found.append(
                    {"stage": stage, "figure": figure, "sum_of_rows": added, "county_total": total}
                )
    if not found:
        return []
    return [
        Disagreement(
            "townships_do_not_add_up",
            "各乡镇合计与全县总数不一致",
            "the township rows do not add up to the county total",
            found,
        )
    ]


def _never_enrolled_not_counted_enrolled(report: MonthlyReport) -> list[Disagreement]:
    """A case of a never-enrolled child (no student) is not counted among the enrolled: if the register
    holds an enrolment for that person after all, the case and the register disagree."""
    never = report.cases.filter(pl.col("student_id").is_null())
    if never.height == 0:
        return []
    enrolled = report.children.filter(pl.col("placement") == "enrolled")
    wrong = never.join(enrolled.select("person_id", "name", "township_id"), on="person_id")
    if wrong.height == 0:
        return []
    return [
        Disagreement(
            "never_enrolled_counted_enrolled",
            "未入学儿童的案件在学籍库中却有在校记录",
            "a case of a never-enrolled child, yet the child is counted as enrolled",
            wrong.select("case_id", "person_id", "name", "township_id", "trigger").to_dicts(),
        )
    ]
