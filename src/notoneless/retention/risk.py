"""Early warning (辍学风险预警): a risk score per enrolled student from the factors of ``rules/risk.toml``,
each score with the factors that make it, ranked per township and school.

Three layers, so the evaluation (``benchmarks/early_warning.py``) runs the production code on synthetic
frames:

- ``features(term, as_of)``: one row per student enrolled in the term, read in a fixed number of queries
  (one per table, no ORM per row): attendance so far, repeated grade, years over age for the grade,
  change of school, special groups, household hardship, boarding and distance from home.
- ``score(features, rules)`` and ``rank(scored, rules)``: plain frames in, plain frames out; no database.
- ``ranked(user, ...)``: the scoped read behind the page and the ``retention risk`` command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import polars as pl
from django.http import Http404
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    field_validator,
    model_validator,
)

from notoneless.lib.rulesfile import RulesError, load_model
from notoneless.registry.imports import db
from notoneless.registry.models import (
    AssistanceRecord,
    Division,
    Enrollment,
    Household,
    Person,
    School,
    Student,
    Term,
)
from notoneless.registry.school_age import school_age_rule
from notoneless.retention import bulk
from notoneless.retention.access import may_read_retention

__all__ = [
    "FEATURES",
    "FEATURE_SCHEMA",
    "RISK_FILE",
    "Factor",
    "RiskList",
    "RiskRules",
    "RiskRulesError",
    "default_risk_rules",
    "features",
    "load_risk_rules",
    "rank",
    "ranked",
    "score",
    "term_for",
]

RISK_FILE = Path(__file__).resolve().parent / "rules" / "risk.toml"

# --- the features a factor may test -------------------------------------------------------------------

Kind = Literal["number", "flag", "text"]
FEATURES: dict[str, Kind] = {
    "stage": "text",  # preschool, primary, junior, senior, vocational
    "grade": "number",  # within the stage (junior secondary 7-9)
    "attendance_rate": "number",  # 1 - absent school days / school days so far this term
    "unexcused_days": "number",
    "longest_run": "number",  # longest run of unexcused school days this term
    "repeated_grade": "flag",  # same stage and grade as in the previous school year
    "years_over_age": "number",  # expected grade for the birth date minus the grade (compulsory on)
    "changed_school": "flag",  # another school of the same stage in the previous or this term
    "orphan": "flag",
    "left_behind": "flag",
    "single_parent": "flag",
    "disabled": "flag",
    "in_distress": "flag",
    "poverty_status": "text",  # none, registered, exited
    "dibao": "flag",  # 低保 (household or person)
    "tekun": "flag",  # 特困 (household or person)
    "boarding": "flag",
    "far_from_home": "flag",  # hukou (or household) township is not the school's township
}
_DTYPES: dict[Kind, Any] = {"number": pl.Float64, "flag": pl.Boolean, "text": pl.String}
ID_SCHEMA = {
    "student_id": pl.Int64,
    "person_id": pl.Int64,
    "school_id": pl.Int64,
    "township_id": pl.Int64,
}
FEATURE_SCHEMA: dict[str, Any] = {
    **ID_SCHEMA,
    **{name: _DTYPES[kind] for name, kind in FEATURES.items()},
    "grade": pl.Int64,
}


# --- the rules ----------------------------------------------------------------------------------------


class RiskRulesError(RulesError):
    """The risk rules file is malformed; the message names the file and the key."""


Number = StrictInt | StrictFloat


class Factor(BaseModel):
    """One factor: a test on one feature, its weight (points added to the score) and its label."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    feature: str
    weight: Annotated[StrictInt, Field(gt=0)]
    below: Number | None = None
    at_least: Number | None = None
    any_of: tuple[str, ...] | None = Field(default=None, min_length=1)

    @field_validator("feature")
    @classmethod
    def _known(cls, feature: str) -> str:
        if feature not in FEATURES:
            raise ValueError(f"unknown feature '{feature}' (known: {', '.join(FEATURES)})")
        return feature

    @model_validator(mode="after")
    def _test_fits_the_feature(self) -> Factor:
        tests = [n for n in ("below", "at_least", "any_of") if getattr(self, n) is not None]
        kind = FEATURES[self.feature]
        allowed = {"number": ({"below"}, {"at_least"}), "text": ({"any_of"},), "flag": (set(),)}
        if set(tests) not in allowed[kind]:
            need = {
                "number": "one of below, at_least",
                "text": "any_of",
                "flag": "no test (it holds when true)",
            }[kind]
            raise ValueError(f"feature '{self.feature}' is {kind}: give {need}")
        return self

    def holds(self) -> pl.Expr:
        """The factor as a column expression; a missing value never holds."""
        column = pl.col(self.feature)
        if self.below is not None:
            test = column < self.below
        elif self.at_least is not None:
            test = column >= self.at_least
        elif self.any_of is not None:
            test = column.is_in(list(self.any_of))
        else:
            test = column.cast(pl.Boolean)
        return test.fill_null(False)


class Ranking(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    follow_up_per_township: Annotated[StrictInt, Field(gt=0)]
    min_score: Annotated[StrictInt, Field(ge=0)] = 1


class RiskRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    ranking: Ranking
    factors: tuple[Factor, ...] = Field(min_length=1)

    @field_validator("factors")
    @classmethod
    def _each_key_once(cls, factors: tuple[Factor, ...]) -> tuple[Factor, ...]:
        keys = [f.key for f in factors]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"each key may appear once: {', '.join(twice)}")
        return factors

    @property
    def weights(self) -> dict[str, int]:
        return {f.key: f.weight for f in self.factors}

    @property
    def labels(self) -> dict[str, str]:
        return {f.key: f.label for f in self.factors}


def load_risk_rules(path: Path = RISK_FILE) -> RiskRules:
    """Read and check a risk rules file; an error names the file and the key (a factor by its key)."""
    return load_model(path, RiskRules, RiskRulesError, locate=_where)


def _where(loc: Sequence[int | str], raw: dict[str, Any]) -> str:
    """``factors[over_age].weight`` rather than ``factors.3.weight``."""
    parts: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int) and i > 0 and loc[i - 1] == "factors":
            factors = raw.get("factors")
            entry = factors[part] if isinstance(factors, list) and part < len(factors) else None
            key = entry.get("key") if isinstance(entry, dict) else None
            parts[-1] += f"[{key}]" if isinstance(key, str) and key else f"[{part}]"
        else:
            parts.append(str(part))
    return ".".join(parts)


@cache
def default_risk_rules() -> RiskRules:
    return load_risk_rules()


# --- scoring: frames only -----------------------------------------------------------------------------


def score(features: pl.DataFrame, rules: RiskRules) -> pl.DataFrame:
    """The features with ``score`` (the sum of the weights of the factors that hold) and ``reasons``
    (those factors' keys, in the rules' order). The score is nothing but its reasons."""
    holds = [(f, f.holds()) for f in rules.factors]
    points = pl.sum_horizontal([pl.when(h).then(f.weight).otherwise(0) for f, h in holds])
    reasons = pl.concat_list(
        [pl.when(h).then(pl.lit(f.key)).otherwise(pl.lit(None, pl.String)) for f, h in holds]
    ).list.drop_nulls()
    return features.with_columns(points.cast(pl.Int64).alias("score"), reasons.alias("reasons"))


ORDER = ["score", "attendance_rate", "student_id"]


def rank(scored: pl.DataFrame, rules: RiskRules) -> pl.DataFrame:
    """Ordered by score (highest first), then attendance rate (lowest first), then student id; with the
    rank within the township and the school and ``follow_up`` (within the township's follow-up capacity).
    Every student is ranked; ``min_score`` is applied by the reader."""
    ordered = scored.sort(ORDER, descending=[True, False, False], nulls_last=True)
    in_township = pl.int_range(1, pl.len() + 1).over("township_id")
    return ordered.with_columns(
        in_township.alias("rank_in_township"),
        pl.int_range(1, pl.len() + 1).over("school_id").alias("rank_in_school"),
    ).with_columns(
        (pl.col("rank_in_township") <= rules.ranking.follow_up_per_township).alias("follow_up")
    )


# --- features from the registers ----------------------------------------------------------------------


def _t(model: type) -> str:
    return db.quote(db.table(model))


def term_for(as_of: date) -> Term | None:
    """The term holding ``as_of``; else the latest that started before it (measured to its end)."""
    terms = Term.objects.filter(start_date__lte=as_of).order_by("-start_date")
    return terms.filter(end_date__gte=as_of).first() or terms.first()


def _in(column: str, ids: Sequence[int] | None) -> tuple[str, list[int]]:
    if ids is None:
        return "", []
    if not ids:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


_PLACE_SCHEMA = {
    "enrollment_id": pl.Int64,
    "student_id": pl.Int64,
    "person_id": pl.Int64,
    "school_id": pl.Int64,
    "township_id": pl.Int64,
    "stage": pl.String,
    "grade": pl.Int64,
    "boarding": pl.Boolean,
    "birth_date": pl.Date,
    "orphan": pl.Boolean,
    "left_behind": pl.Boolean,
    "single_parent": pl.Boolean,
    "in_distress": pl.Boolean,
    "disabled": pl.Boolean,
    "poverty_status": pl.String,
    "household_dibao": pl.String,
    "household_tekun": pl.Boolean,
    "home_township_id": pl.Int64,
}


def _places(term: Term, school_ids: Sequence[int] | None) -> pl.DataFrame:
    """The term's enrolled students of the stages dropout control follows (compulsory, senior and
    vocational; not preschool or university), with person, household, school and home township."""
    only, extra = _in("e.school_id", school_ids)
    frame = db.read_frame(
        f"SELECT e.id AS enrollment_id, e.student_id, st.person_id, e.school_id, s.township_id,"
        f" e.stage, e.grade, e.boarding, p.birth_date, p.orphan, p.left_behind, p.single_parent,"
        f" p.in_distress, p.disabled, h.poverty_status, h.dibao AS household_dibao,"
        f" h.tekun AS household_tekun, COALESCE(hv.parent_id, wv.parent_id) AS home_township_id"
        f" FROM {_t(Enrollment)} e JOIN {_t(Student)} st ON st.id = e.student_id"
        f" JOIN {_t(School)} s ON s.id = e.school_id JOIN {_t(Person)} p ON p.id = st.person_id"
        f" LEFT JOIN {_t(Household)} h ON h.id = p.household_id"
        f" LEFT JOIN {_t(Division)} hv ON hv.id = p.hukou_village_id"
        f" LEFT JOIN {_t(Division)} wv ON wv.id = h.village_id"
        f" WHERE e.term_id = %s AND e.status = 'enrolled'"
        f" AND e.stage IN ('primary', 'junior', 'senior', 'vocational'){only}",
        [term.pk, *extra],
        schema=_PLACE_SCHEMA,
    )
    # a student placed twice in one term (a transfer both schools reported) counts at the later record
    return frame.sort("enrollment_id").unique("student_id", keep="last").drop("enrollment_id")


def _students_of(term: Term, school_ids: Sequence[int] | None) -> tuple[str, list[Any]]:
    """A sub-query of the student ids enrolled in the term (at the schools), with its parameters."""
    only, extra = _in("school_id", school_ids)
    return (
        f"SELECT student_id FROM {_t(Enrollment)} WHERE term_id = %s{only}",
        [term.pk, *extra],
    )


def _history(term: Term, school_ids: Sequence[int] | None) -> pl.DataFrame:
    """Every place of the term's students from the previous school year on, with its term."""
    students, params = _students_of(term, school_ids)
    return db.read_frame(
        f"SELECT e.id AS enrollment_id, e.student_id, e.school_id, e.stage, e.grade,"
        f" t.school_year, t.start_date FROM {_t(Enrollment)} e"
        f" JOIN {_t(Term)} t ON t.id = e.term_id"
        f" WHERE t.school_year >= %s AND t.start_date <= %s AND e.student_id IN ({students})",
        [term.school_year - 1, term.start_date, *params],
        schema={
            "enrollment_id": pl.Int64,
            "student_id": pl.Int64,
            "school_id": pl.Int64,
            "stage": pl.String,
            "grade": pl.Int64,
            "school_year": pl.Int64,
            "start_date": pl.Date,
        },
    )


def _assistance(term: Term, school_ids: Sequence[int] | None) -> pl.DataFrame:
    """Person-level civil-affairs facts of the term's students: 低保, 特困, orphan."""
    students, params = _students_of(term, school_ids)
    frame = db.read_frame(
        f"SELECT a.person_id, a.category FROM {_t(AssistanceRecord)} a"
        f" WHERE a.person_id IN (SELECT st.person_id FROM {_t(Student)} st"
        f" WHERE st.id IN ({students}))",
        params,
        schema={"person_id": pl.Int64, "category": pl.String},
    )
    c = pl.col("category")
    return frame.group_by("person_id").agg(
        c.is_in(["dibao_rural", "dibao_urban"]).any().alias("person_dibao"),
        (c == "tekun").any().alias("person_tekun"),
        (c == "orphan").any().alias("person_orphan"),
    )


def _repeated_and_moved(places: pl.DataFrame, history: pl.DataFrame, term: Term) -> pl.DataFrame:
    """``repeated_grade``: the latest place of the previous school year has the same stage and grade;
    ``changed_school``: a place of the same stage at another school in the previous term or this one."""
    last_year = (
        history.filter(pl.col("school_year") == term.school_year - 1)
        .sort("start_date", "enrollment_id")
        .unique("student_id", keep="last")
        .select(
            "student_id", pl.col("stage").alias("prev_stage"), pl.col("grade").alias("prev_grade")
        )
    )
    before = history.filter(pl.col("start_date") < term.start_date)["start_date"]
    previous_start = before.max()
    recent = history.filter(
        (pl.col("start_date") == term.start_date)
        | (pl.col("start_date") == previous_start if previous_start is not None else pl.lit(False))
    ).select(
        "student_id",
        pl.col("school_id").alias("other_school"),
        pl.col("stage").alias("other_stage"),
    )
    moved = (
        places.select("student_id", "school_id", "stage")
        .join(recent, on="student_id", how="inner")
        .filter(
            (pl.col("other_stage") == pl.col("stage"))
            & (pl.col("other_school") != pl.col("school_id"))
        )
        .select("student_id")
        .unique()
        .with_columns(pl.lit(True).alias("changed_school"))
    )
    return (
        places.join(last_year, on="student_id", how="left")
        .join(moved, on="student_id", how="left")
        .with_columns(
            ((pl.col("prev_stage") == pl.col("stage")) & (pl.col("prev_grade") == pl.col("grade")))
            .fill_null(False)
            .alias("repeated_grade"),
            pl.col("changed_school").fill_null(False),
        )
    )


def _over_age(places: pl.DataFrame, school_year: int) -> pl.Expr:
    """Years between the grade the school-age rule expects for the birth date and the grade held, from
    grade 1 of primary on (senior and vocational count as grades 10-12); missing before primary."""
    rule = school_age_rule()
    births = places["birth_date"].drop_nulls().unique().to_list()
    expected = {b: rule.expected_grade(b, school_year) for b in births}
    overall = (
        pl.when(pl.col("stage").is_in(["primary", "junior"]))
        .then(pl.col("grade"))
        .when(pl.col("stage").is_in(["senior", "vocational"]))
        .then(pl.col("grade") + 9)
        .otherwise(None)
    )
    wanted = pl.col("birth_date").replace_strict(expected, default=None, return_dtype=pl.Int64)
    return (wanted - overall).cast(pl.Float64)


def features(term: Term, as_of: date, *, school_ids: Sequence[int] | None = None) -> pl.DataFrame:
    """One row per student enrolled in the term (at ``school_ids`` if given) as of ``as_of``, with the
    columns of ``FEATURE_SCHEMA``. Six reads, whatever the number of students."""
    places = _places(term, school_ids)
    history = _history(term, school_ids)
    assistance = _assistance(term, school_ids)
    end = min(as_of, term.end_date)
    absences = bulk.read_absences(term.start_date, end)
    days = bulk.school_days(term.start_date, term.end_date)
    seen = bulk.attendance(places.select("student_id", "school_id"), absences, days, end)
    frame = _repeated_and_moved(places, history, term)
    frame = (
        frame.join(assistance, on="person_id", how="left")
        .join(
            seen.select("student_id", "attendance_rate", "unexcused_days", "longest_run"),
            on="student_id",
            how="left",
        )
        .with_columns(
            pl.col("poverty_status").fill_null("none"),
            (
                pl.col("household_dibao").is_in(["rural", "urban"]).fill_null(False)
                | pl.col("person_dibao").fill_null(False)
            ).alias("dibao"),
            (
                pl.col("household_tekun").fill_null(False) | pl.col("person_tekun").fill_null(False)
            ).alias("tekun"),
            (pl.col("orphan").fill_null(False) | pl.col("person_orphan").fill_null(False)).alias(
                "orphan"
            ),
            (pl.col("home_township_id") != pl.col("township_id")).alias("far_from_home"),
            _over_age(places, term.school_year).alias("years_over_age"),
        )
    )
    return frame.select([pl.col(name).cast(dtype) for name, dtype in FEATURE_SCHEMA.items()]).sort(
        "student_id"
    )


# --- the scoped read ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskList:
    """Students ranked by risk as of a date, in the user's scope and filters, each with its reasons.

    ``rows``: student_id, name (masked), student_number (masked), township and school (code, name),
    stage, grade, attendance_rate, score, reasons (keys), rank_in_township, rank_in_school, follow_up."""

    as_of: date
    term: Term | None
    rules: RiskRules
    rows: pl.DataFrame

    @property
    def total(self) -> int:
        return self.rows.height

    def reasons(self, keys: Sequence[str]) -> list[dict[str, Any]]:
        """Each reason with its label and weight, as the page and the JSON show it."""
        weights, labels = self.rules.weights, self.rules.labels
        return [{"key": k, "label": labels[k], "weight": weights[k]} for k in keys]

    def as_dicts(self, rows: pl.DataFrame | None = None) -> list[dict[str, Any]]:
        frame = self.rows if rows is None else rows
        out = []
        for row in frame.iter_rows(named=True):
            row["reasons"] = self.reasons(row["reasons"])
            out.append(row)
        return out


ROW_COLUMNS = [
    "student_id",
    "name",
    "student_number",
    "township_code",
    "township",
    "school_code",
    "school",
    "stage",
    "grade",
    "attendance_rate",
    "score",
    "reasons",
    "rank_in_township",
    "rank_in_school",
    "follow_up",
]
_SCHOOL_SCHEMA = {
    "school_id": pl.Int64,
    "school_code": pl.String,
    "school": pl.String,
    "township_id": pl.Int64,
    "township_code": pl.String,
    "township": pl.String,
}


def ranked(
    user: Any,
    *,
    as_of: date,
    township: str | None = None,
    school: str | None = None,
    per_township: int | None = None,
    limit: int | None = None,
    rules: RiskRules | None = None,
) -> RiskList:
    """The students the user may see (optionally one township's or one school's, by code) whose score
    reaches ``min_score``, highest first; ``per_township`` keeps each township's first N, ``limit`` the
    first N overall. Ranks are within the whole township, whatever part of it the user sees. A
    township or school out of scope is not found (404); a role that does not read retention sees no one."""
    from notoneless.registry.selectors import schools_for

    rules = rules or default_risk_rules()
    empty = RiskList(as_of, None, rules, pl.DataFrame(schema=_row_schema()))
    if not may_read_retention(user):
        return empty
    visible = schools_for(user)
    if township:
        visible = visible.filter(township__code=township)
    if school:
        visible = visible.filter(code=school)
    shown = list(visible.values_list("pk", flat=True))
    if (township or school) and not shown:
        raise Http404("no such township or school in scope")
    term = term_for(as_of)
    if term is None or not shown:
        return RiskList(as_of, term, rules, empty.rows)
    townships = School.objects.filter(pk__in=shown).values("township_id")
    ranking_schools = _schools(School.objects.filter(township_id__in=townships))
    scored = rank(
        score(features(term, as_of, school_ids=ranking_schools["school_id"].to_list()), rules),
        rules,
    )
    rows = scored.filter(
        pl.col("school_id").is_in(shown) & (pl.col("score") >= rules.ranking.min_score)
    )
    if per_township is not None:
        rows = rows.filter(pl.int_range(pl.len()).over("township_id") < per_township)
    if limit is not None:
        rows = rows.head(limit)
    rows = rows.join(ranking_schools.drop("township_id"), on="school_id", how="left")
    rows = rows.join(_names(term, shown), on="student_id", how="left")
    return RiskList(as_of, term, rules, rows.select(ROW_COLUMNS))


def _row_schema() -> dict[str, Any]:
    schema = {**FEATURE_SCHEMA, **_SCHOOL_SCHEMA, "name": pl.String, "student_number": pl.String}
    schema |= {
        "score": pl.Int64,
        "reasons": pl.List(pl.String),
        "rank_in_township": pl.Int64,
        "rank_in_school": pl.Int64,
        "follow_up": pl.Boolean,
    }
    return {c: schema[c] for c in ROW_COLUMNS}


def _schools(schools: Any) -> pl.DataFrame:
    rows = schools.values_list(
        "pk", "code", "name", "township_id", "township__code", "township__name"
    )
    return pl.DataFrame(list(rows), schema=_SCHOOL_SCHEMA, orient="row")


def _names(term: Term, school_ids: Sequence[int]) -> pl.DataFrame:
    """The term's students at the schools: masked name (the first character, then one star per
    character) and masked student number."""
    students, params = _students_of(term, school_ids)
    frame = db.read_frame(
        f"SELECT st.id AS student_id, p.name, st.student_number_masked FROM {_t(Student)} st"
        f" JOIN {_t(Person)} p ON p.id = st.person_id WHERE st.id IN ({students})",
        params,
        schema={"student_id": pl.Int64, "name": pl.String, "student_number": pl.String},
    )
    length = pl.col("name").str.len_chars()
    stars = pl.lit("*").repeat_by(pl.max_horizontal(length - 1, 0)).list.join("")
    return frame.with_columns((pl.col("name").str.slice(0, 1) + stars).alias("name"))
