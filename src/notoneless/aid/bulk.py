"""Columnar aid work over a whole county: read every enrolled student's facts for a term, then evaluate a
pack's programs on them at once. Frames in, frames out; no ORM inside."""

from __future__ import annotations

import io
from typing import Any

import polars as pl

from notoneless.aid import conditions
from notoneless.aid.facts import FACTS
from notoneless.aid.policy import CompiledProgram, Pack, Quota
from notoneless.registry.imports import db
from notoneless.registry.models import (
    AssistanceRecord,
    Enrollment,
    Household,
    Person,
    School,
    Student,
)

# statuses that hold a place in the term, and so an entitlement
ACTIVE = ("enrolled", "home_taught")
ENTITLEMENT_COLUMNS = [
    "student_id",
    "program",
    "school_id",
    "stage",
    "grade",
    "class_name",
    "amount_fen",
    "payee",
    "status",
    "basis",
]


def _t(model: type) -> str:
    return db.quote(db.table(model))


def read_facts(
    term_id: int, school_year: int, season: str, pack: Pack, *, student_id: int | None = None
) -> pl.DataFrame:
    """One row per student holding a place in the term (or only ``student_id``'s row): the facts named
    in ``FACTS`` plus ids."""
    facts = _places(term_id, student_id).with_columns(
        pl.col("poverty_status").fill_null("none"),
        pl.col("household_dibao").replace("none", None),
    )
    facts = facts.join(_assistance(term_id, student_id), on="person_id", how="left").with_columns(
        pl.coalesce("person_dibao", "household_dibao", pl.lit("none")).alias("dibao"),
        (
            pl.col("person_tekun").fill_null(False) | pl.col("household_tekun").fill_null(False)
        ).alias("tekun"),
        (pl.col("orphan").fill_null(False) | pl.col("person_orphan").fill_null(False)).alias(
            "orphan"
        ),
    )
    facts = facts.join(_identified(school_year, season, student_id), on="student_id", how="left")
    facts = facts.with_columns(
        pl.coalesce(pl.col("workflow_grade"), pl.col("roster_grade").replace("", None))
        .fill_null("")
        .alias("identified_grade")
    )
    facts = _auto_grade(facts, pack)
    keep = [
        "student_id",
        "person_id",
        "school_id",
        "class_name",
        "household_id",
        *FACTS,
        "grade_source",
    ]
    return facts.select(keep).sort("student_id")


def _places(term_id: int, student_id: int | None) -> pl.DataFrame:
    """Each place in the term with its student's person and household facts, in one query."""
    only, extra = _only(student_id, "e.student_id")
    params = [term_id, *extra]
    frame = db.read_frame(
        f"SELECT e.id AS enrollment_id, e.student_id, st.person_id, e.school_id, e.stage, e.grade,"
        f" e.class_name, e.boarding, e.major, e.major_category,"
        f" s.tuition_per_term_fen AS tuition_fen, s.locality AS school_locality,"
        f" st.hardship_grade AS roster_grade,"
        f" p.hukou_type, p.orphan, p.disabled, p.in_distress, p.household_id,"
        f" h.poverty_status, h.exit_year AS poverty_exit_year,"
        f" h.dibao AS household_dibao, h.tekun AS household_tekun"
        f" FROM {_t(Enrollment)} e JOIN {_t(Student)} st ON st.id = e.student_id"
        f" JOIN {_t(School)} s ON s.id = e.school_id JOIN {_t(Person)} p ON p.id = st.person_id"
        f" LEFT JOIN {_t(Household)} h ON h.id = p.household_id"
        f" WHERE e.term_id = %s AND e.status IN ({_ACTIVE_SQL}){only}",
        params,
        schema=_PLACE_SCHEMA,
    )
    # a student placed twice in one term (a transfer both schools reported) counts at the later record
    return frame.sort("enrollment_id").unique("student_id", keep="last")


_ACTIVE_SQL = ", ".join(f"'{x}'" for x in ACTIVE)
_PLACE_SCHEMA = {
    "enrollment_id": pl.Int64,
    "student_id": pl.Int64,
    "person_id": pl.Int64,
    "school_id": pl.Int64,
    "stage": pl.String,
    "grade": pl.Int64,
    "class_name": pl.String,
    "boarding": pl.Boolean,
    "major": pl.String,
    "major_category": pl.String,
    "tuition_fen": pl.Int64,
    "school_locality": pl.String,
    "roster_grade": pl.String,
    "hukou_type": pl.String,
    "orphan": pl.Boolean,
    "disabled": pl.Boolean,
    "in_distress": pl.Boolean,
    "household_id": pl.Int64,
    "poverty_status": pl.String,
    "poverty_exit_year": pl.Int64,
    "household_dibao": pl.String,
    "household_tekun": pl.Boolean,
}


def _only(student_id: int | None, column: str) -> tuple[str, list[int]]:
    """An extra condition (and its parameter) narrowing a read to one student, or nothing."""
    return ("", []) if student_id is None else (f" AND {column} = %s", [student_id])


def _assistance(term_id: int, student_id: int | None) -> pl.DataFrame:
    """Person-level civil-affairs facts of the term's students: 低保 (rural before urban), 特困, orphan."""
    only, extra = _only(student_id, "e.student_id")
    frame = db.read_frame(
        f"SELECT a.person_id, a.category FROM {_t(AssistanceRecord)} a"
        f" WHERE a.person_id IN (SELECT st.person_id FROM {_t(Enrollment)} e"
        f" JOIN {_t(Student)} st ON st.id = e.student_id WHERE e.term_id = %s{only})",
        [term_id, *extra],
        schema={"person_id": pl.Int64, "category": pl.String},
    )
    c = pl.col("category")
    return (
        frame.group_by("person_id")
        .agg(
            pl.when((c == "dibao_rural").any())
            .then(pl.lit("rural"))
            .when((c == "dibao_urban").any())
            .then(pl.lit("urban"))
            .otherwise(None)
            .alias("person_dibao"),
            (c == "tekun").any().alias("person_tekun"),
            (c == "orphan").any().alias("person_orphan"),
        )
        .cast({"person_id": pl.Int64})
    )


def _identified(school_year: int, season: str, student_id: int | None) -> pl.DataFrame:
    """The grade the identification workflow confirmed for the school year; a spring adjustment counts
    from the spring term on."""
    from notoneless.aid.models import Identification

    seasons = ("autumn", "spring") if season == "spring" else ("autumn",)
    only, extra = _only(student_id, "student_id")
    frame = db.read_frame(
        f"SELECT student_id, season, grade FROM {_t(Identification)}"
        f" WHERE school_year = %s AND step = 'confirmed'"
        f" AND season IN ({', '.join(['%s'] * len(seasons))}){only}",
        [school_year, *seasons, *extra],
        schema={"student_id": pl.Int64, "season": pl.String, "grade": pl.String},
    )
    return (
        frame.sort("season", descending=season == "spring")
        .unique("student_id", keep="first")
        .select("student_id", pl.col("grade").alias("workflow_grade"))
        .with_columns(pl.col("workflow_grade").replace("", None))
    )


def _auto_grade(facts: pl.DataFrame, pack: Pack) -> pl.DataFrame:
    """``hardship_grade``: the identified grade, else the first automatic grade whose group holds."""
    graded = pl.col("identified_grade") != ""
    grade: Any = pl.when(graded).then(pl.col("identified_grade"))
    source: Any = pl.when(graded).then(pl.lit("identified"))
    for auto in pack.spec.auto_grades:
        holds = conditions.expr(pack.named.nodes[auto.ref], pack.named.nodes)
        grade = grade.when(holds).then(pl.lit(auto.grade))
        source = source.when(holds).then(pl.lit("automatic"))
    return facts.with_columns(
        grade.otherwise(pl.lit("")).alias("hardship_grade"),
        source.otherwise(pl.lit("")).alias("grade_source"),
    )


# --- evaluation ---------------------------------------------------------------------------------------
def evaluate(facts: pl.DataFrame, pack: Pack, term: str) -> pl.DataFrame:
    """Every (student, program) the pack's programs apply to in the term, with the amount for the term."""
    frames = [
        _program_rows(facts, pack, program, term)
        for program in pack.programs_in(term)
        if program.when is not None
    ]
    frames = [f for f in frames if f.height]
    if not frames:
        return pl.DataFrame(schema=ENTITLEMENT_SCHEMA)
    out = pl.concat(frames, how="vertical")
    return _apply_quotas(out, facts, pack)


ENTITLEMENT_SCHEMA = {
    "student_id": pl.Int64,
    "program": pl.String,
    "school_id": pl.Int64,
    "stage": pl.String,
    "grade": pl.Int64,
    "class_name": pl.String,
    "amount_fen": pl.Int64,
    "payee": pl.String,
    "status": pl.String,
    "basis": pl.String,
}


def program_mask(program: CompiledProgram, pack: Pack) -> pl.Expr:
    assert program.when is not None
    in_stage = pl.col("stage").is_in(list(program.spec.stages))
    return in_stage & conditions.expr(program.when, pack.named.nodes)


def _program_rows(
    facts: pl.DataFrame, pack: Pack, program: CompiledProgram, term: str
) -> pl.DataFrame:
    hit = facts.filter(program_mask(program, pack))
    return hit.select(
        "student_id",
        pl.lit(program.code).alias("program"),
        "school_id",
        "stage",
        "grade",
        pl.col("class_name").fill_null(""),
        amount_expr(program, term).alias("amount_fen"),
        pl.lit(program.spec.payee).alias("payee"),
        pl.lit("due").alias("status"),
        _basis_expr(program, pack).alias("basis"),
    ).cast(ENTITLEMENT_SCHEMA)  # type: ignore[arg-type]


def amount_expr(program: CompiledProgram, term: str) -> pl.Expr:
    """Fen for the term: half the yearly figure (autumn rounds down, spring pays the rest), or the fee."""
    amount = program.spec.amount
    if amount.school_fee:
        return pl.col("tuition_fen").fill_null(0).cast(pl.Int64)
    spring = term.endswith("spring")

    def term_fen(yuan: object) -> int:
        year_fen = int(yuan * 100)  # type: ignore[operator]
        return year_fen - year_fen // 2 if spring else year_fen // 2

    if isinstance(amount.yuan_per_year, dict):
        table = {k: term_fen(v) for k, v in amount.yuan_per_year.items()}
        return pl.col(str(amount.by)).replace_strict(table, default=None, return_dtype=pl.Int64)
    return pl.lit(term_fen(amount.yuan_per_year), dtype=pl.Int64)


def _basis_expr(program: CompiledProgram, pack: Pack) -> pl.Expr:
    """A short note of the named groups that hold for the student, for the ledger."""
    parts = [
        pl.when(conditions.expr(node, pack.named.nodes)).then(pl.lit(pack.named.labels[name]))
        for name, node in pack.named.nodes.items()
        if name in _refs(program, pack)
    ]
    if not parts:
        return pl.lit("")
    return pl.concat_str(parts, separator="；", ignore_nulls=True).fill_null("")


def _refs(program: CompiledProgram, pack: Pack) -> set[str]:
    found: set[str] = set()
    stack = [program.when] if program.when is not None else []
    while stack:
        node = stack.pop()
        match node:
            case conditions.Ref(name):
                if name not in found:
                    found.add(name)
                    stack.append(pack.named.nodes[name])
            case conditions.All(parts) | conditions.Any_(parts):
                stack.extend(parts)
            case conditions.Not(part):
                stack.append(part)
    return found


def _apply_quotas(rows: pl.DataFrame, facts: pl.DataFrame, pack: Pack) -> pl.DataFrame:
    """Within a school's quota (students and/or budget), rank by the program's rule; the rest are
    ``over_quota``: reported as not funded within quota, never as missed."""
    if not pack.spec.quotas:
        return rows
    codes = db.read_frame(
        f"SELECT id AS school_id, code FROM {_t(School)}",
        schema={"school_id": pl.Int64, "code": pl.String},
    )
    for quota in pack.spec.quotas:
        school = codes.filter(pl.col("code") == quota.school)
        if school.height == 0:
            continue
        rows = _quota_one(rows, facts, pack, quota, int(school["school_id"][0]))
    return rows


def _quota_one(
    rows: pl.DataFrame, facts: pl.DataFrame, pack: Pack, quota: Quota, school_id: int
) -> pl.DataFrame:
    program = pack.by_code[quota.program]
    mine = (pl.col("program") == quota.program) & (pl.col("school_id") == school_id)
    ranked = rows.filter(mine).join(facts, on="student_id", how="left", suffix="_fact")
    keys, descending = [], []
    for i, rank in enumerate(program.spec.rank):
        if rank.fact is not None:
            order = {v: n for n, v in enumerate(rank.order)}
            keys.append(pl.col(rank.fact).replace_strict(order, default=len(order)).alias(f"_k{i}"))
            descending.append(False)
        else:
            assert rank.ref is not None
            holds = conditions.expr(pack.named.nodes[rank.ref], pack.named.nodes)
            keys.append(holds.alias(f"_k{i}"))
            descending.append(True)
    ranked = ranked.with_columns(keys).sort(
        [f"_k{i}" for i in range(len(keys))] + ["student_id"], descending=[*descending, False]
    )
    funded = pl.lit(True)
    if quota.students is not None:
        funded = funded & (pl.int_range(pl.len()) < quota.students)
    if quota.budget_yuan is not None:
        funded = funded & (pl.col("amount_fen").cum_sum() <= int(quota.budget_yuan * 100))
    over = ranked.filter(~funded)["student_id"]
    return rows.with_columns(
        pl.when(mine & pl.col("student_id").is_in(over.implode()))
        .then(pl.lit("over_quota"))
        .otherwise(pl.col("status"))
        .alias("status")
    )


# --- frozen facts -------------------------------------------------------------------------------------
def to_parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd")
    return buffer.getvalue()


def from_parquet(data: bytes | memoryview) -> pl.DataFrame:
    return pl.read_parquet(io.BytesIO(bytes(data)))
