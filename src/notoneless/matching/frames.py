"""The two sides of the linkage as Polars frames, read from the database in bulk: the students (right) and
the register records (left; those no valid ID linked at import are the ones to match). No ORM inside.

Every frame has the same comparison columns:

- ``name_norm`` (simplified), ``surname``, ``given``, ``pinyin`` (one reading per syllable, the surname's
  usual one first), ``given_pinyin``; a name in Latin letters is its own pinyin, lower-cased, and its
  given name is unknown;
- ``birth`` as ``YYYYMMDD`` text (so the same comparison SQL runs on DuckDB and Spark), ``birth_year``;
- ``sex`` (``M``/``F`` or null);
- the resident ID split into ``id_region`` (6), and ``id_tail`` (serial and check, 4): the birth date inside
  the ID is left out, so it is not counted twice; ``id_number`` (plain, kept in memory only) and
  ``id_valid`` for the twins rule;
- ``village``, ``township`` (division ids), ``guardian`` (a guardian's name: the student's first guardian,
  the household register's guardian) and ``head`` (a poverty-register household's head, compared with the
  student's guardian: agreement counts, disagreement says little, the guardian may be the other parent).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from notoneless.lib.names import COMPOUND_SURNAMES, normalise_names
from notoneless.matching.models import RecordKind
from notoneless.registry.imports import db
from notoneless.registry.models import (
    AssistanceRecord,
    DisabilityRecord,
    Division,
    Guardian,
    HardshipListRecord,
    Household,
    HukouRecord,
    Person,
    PovertyMember,
    Student,
    StudyElsewhereRecord,
)
from notoneless.registry.protection import cipher

SURNAMES_OF_TWO = (
    *COMPOUND_SURNAMES,
    "司徒",
    "司空",
    "夏侯",
    "轩辕",
    "钟离",
    "单于",
    "闻人",
    "澹台",
    "公冶",
    "太史",
    "端木",
    "呼延",
    "南宫",
    "万俟",
    "西门",
)

# a name in Latin letters only (after normalisation, which drops spaces): pinyin, most likely
LATIN_NAME = r"^[A-Za-z]+$"

REGISTERS: dict[str, type[db.Model]] = {
    RecordKind.HOUSEHOLDS: PovertyMember,
    RecordKind.ASSISTANCE: AssistanceRecord,
    RecordKind.DISABILITY: DisabilityRecord,
    RecordKind.HUKOU: HukouRecord,
    RecordKind.ELSEWHERE: StudyElsewhereRecord,
    RecordKind.HARDSHIP_LIST: HardshipListRecord,
}

COLUMNS = [
    "unique_id",
    "name_norm",
    "surname",
    "given",
    "pinyin",
    "given_pinyin",
    "birth",
    "birth_year",
    "sex",
    "id_number",
    "id_valid",
    "id_region",
    "id_tail",
    "village",
    "township",
    "guardian",
    "head",
]

_IDENTITY_SCHEMA = {
    "id": pl.Int64,
    "name_norm": pl.String,
    "name_pinyin": pl.String,
    "sex": pl.String,
    "birth_date": pl.String,  # ISO text on both databases; the comparisons want YYYYMMDD
    "id_number_enc": pl.String,
    "id_status": pl.String,
    "village_id": pl.Int64,
    "linked": pl.Int64,
}


@dataclass
class Sides:
    """Left: register records (``unique_id`` is ``kind:id``, with ``record_kind``, ``record_id`` and
    ``linked``). Right: students' persons (``unique_id`` is the person id as text)."""

    records: pl.DataFrame
    persons: pl.DataFrame


def read_sides(kinds: list[str] | None = None) -> Sides:
    places = _divisions()
    return Sides(records=read_records(places, kinds), persons=read_persons(places))


def _q(name: str) -> str:
    return db.quote(name)


def _divisions() -> pl.DataFrame:
    """``village`` → ``township``: a village's parent, or the division itself when it is a township."""
    rows = db.read_frame(
        f"SELECT id, parent_id, level FROM {_q(db.table(Division))}",
        schema={"id": pl.Int64, "parent_id": pl.Int64, "level": pl.String},
    )
    return rows.select(
        pl.col("id").alias("village"),
        pl.when(pl.col("level") == "village")
        .then(pl.col("parent_id"))
        .when(pl.col("level") == "township")
        .then(pl.col("id"))
        .alias("township"),
    )


def read_persons(places: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every person who is a student, with a guardian's name (the first on file)."""
    places = _divisions() if places is None else places
    person, student, household = (_q(db.table(m)) for m in (Person, Student, Household))
    frame = db.read_frame(
        f"SELECT p.id, p.name_norm, p.name_pinyin, p.sex, CAST(p.birth_date AS TEXT), p.id_number_enc, "
        f"p.id_status, "
        f"COALESCE(p.hukou_village_id, h.village_id) "
        f"FROM {person} p JOIN {student} s ON s.person_id = p.id "
        f"LEFT JOIN {household} h ON h.id = p.household_id",
        schema={k: v for k, v in _IDENTITY_SCHEMA.items() if k != "linked"},
    )
    guardians = db.read_frame(
        f"SELECT person_id, name_norm FROM {_q(db.table(Guardian))} ORDER BY id",
        schema={"id": pl.Int64, "guardian": pl.String},
    ).unique("id", keep="first")
    frame = frame.join(guardians, on="id", how="left").with_columns(
        pl.col("guardian").alias("head")
    )
    return _comparable(frame, places).with_columns(
        pl.col("id").cast(pl.String).alias("unique_id"), pl.col("id").alias("person_id")
    )


def read_records(
    places: pl.DataFrame | None = None, kinds: list[str] | None = None
) -> pl.DataFrame:
    """Register records of every kind (or of ``kinds``); ``linked`` says whether one has its person yet.
    The model trains on all of them (the linked ones are where the true links are), and scores the rest."""
    places = _divisions() if places is None else places
    frames = [
        _kind_records(kind, model)
        for kind, model in REGISTERS.items()
        if kinds is None or kind in kinds
    ]
    frame = pl.concat(frames, how="diagonal_relaxed")
    frame = _comparable(frame, places)
    return frame.with_columns(
        pl.concat_str([pl.col("record_kind"), pl.col("id").cast(pl.String)], separator=":").alias(
            "unique_id"
        ),
        pl.col("id").alias("record_id"),
        (pl.col("linked") == 1).alias("linked"),
    )


def _kind_records(kind: str, model: type[db.Model]) -> pl.DataFrame:
    name = _q(db.table(model))
    cols = (
        "r.id, r.name_norm, r.name_pinyin, r.sex, CAST(r.birth_date AS TEXT), r.id_number_enc, r.id_status, "
        "r.village_id, CASE WHEN r.person_id IS NULL THEN 0 ELSE 1 END"
    )
    if model is HukouRecord:
        sql = f"SELECT {cols}, r.guardian_name_norm FROM {name} r"
        frame = db.read_frame(sql, schema={**_IDENTITY_SCHEMA, "guardian": pl.String})
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("head"))
    elif model is PovertyMember:
        household = _q(db.table(Household))
        sql = (
            f"SELECT {cols}, h.head_name FROM {name} r JOIN {household} h ON h.id = r.household_id"
        )
        frame = db.read_frame(sql, schema={**_IDENTITY_SCHEMA, "head": pl.String})
        heads = normalise_names(frame["head"].to_list())
        frame = frame.with_columns(pl.Series("head", heads, dtype=pl.String)).with_columns(
            pl.when(pl.col("head") != pl.col("name_norm")).then(pl.col("head")),
            pl.lit(None, dtype=pl.String).alias("guardian"),
        )
    else:
        sql = f"SELECT {cols} FROM {name} r"
        frame = db.read_frame(sql, schema=_IDENTITY_SCHEMA).with_columns(
            pl.lit(None, dtype=pl.String).alias("guardian"),
            pl.lit(None, dtype=pl.String).alias("head"),
        )
    return frame.with_columns(pl.lit(kind).alias("record_kind"))


def _decrypt(tokens: pl.Series) -> pl.Series:
    decrypt = cipher().decrypt
    return pl.Series(
        "id_number", [decrypt(t) if t else None for t in tokens.to_list()], dtype=pl.String
    )


def _comparable(frame: pl.DataFrame, places: pl.DataFrame) -> pl.DataFrame:
    """The comparison columns (see the module's docstring) from the identity columns."""
    frame = frame.with_columns(_decrypt(frame["id_number_enc"])).drop("id_number_enc")
    blank = pl.lit(None, dtype=pl.String)
    id_ = pl.col("id_number")
    has_id = id_.str.len_chars() == 18
    from_id = pl.when(has_id & id_.str.slice(6, 8).str.contains(r"^(19|20)\d{6}$")).then(
        id_.str.slice(6, 8)
    )
    two = pl.col("name_norm").str.starts_with(SURNAMES_OF_TWO[0])
    for surname in SURNAMES_OF_TWO[1:]:
        two = two | pl.col("name_norm").str.starts_with(surname)
    surname_len = pl.when(two).then(2).otherwise(1)
    syllables = pl.col("name_pinyin").str.replace_all(r"\|[a-z|]*", "").str.split(" ")
    # A name written in Latin letters (pinyin, spaces already gone): its reading is the name lower-cased;
    # where the given name starts cannot be told, so it is left unknown.
    latin = pl.col("name_norm").str.contains(LATIN_NAME).fill_null(False)
    frame = frame.with_columns(
        pl.when(pl.col("name_norm") != "").then(pl.col("name_norm")).alias("name_norm"),
        pl.col("name_norm").str.slice(0, surname_len).alias("surname"),
        pl.when(~latin).then(pl.col("name_norm").str.slice(surname_len)).alias("given"),
        pl.when(latin)
        .then(pl.col("name_norm").str.to_lowercase())
        .otherwise(syllables.list.join(""))
        .alias("pinyin"),
        pl.when(~latin).then(syllables.list.slice(surname_len).list.join("")).alias("given_pinyin"),
        pl.coalesce(
            pl.col("birth_date").str.slice(0, 10).str.replace_all("-", "", literal=True), from_id
        ).alias("birth"),
        pl.when(pl.col("sex").is_in(["M", "F"])).then(pl.col("sex")).alias("sex"),
        pl.when(has_id).then(id_).alias("id_number"),
        (pl.col("id_status").is_in(["ok", "warning"]) & has_id).alias("id_valid"),
        pl.when(has_id).then(id_.str.slice(0, 6)).alias("id_region"),
        pl.when(has_id).then(id_.str.slice(14, 4)).alias("id_tail"),
        *[pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in ("guardian", "head")],
    )
    frame = frame.with_columns(
        pl.col("birth").str.slice(0, 4).alias("birth_year"),
        *[
            pl.when(pl.col(c) != "").then(pl.col(c)).otherwise(blank).alias(c)
            for c in ("given", "pinyin", "given_pinyin")
        ],
    )
    frame = frame.join(places, left_on="village_id", right_on="village", how="left").rename(
        {"village_id": "village"}
    )
    return frame
