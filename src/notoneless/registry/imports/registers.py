"""The external registers: poverty (households and members), assistance, disability, household register
(hukou) and children studying elsewhere. Rows are kept as they came, linked to a person when their ID is
valid and known; matching links the rest later. IDs with a wrong check character are kept, marked invalid."""

from __future__ import annotations

from types import SimpleNamespace

import polars as pl

from notoneless.lib.names import names_pinyin, normalise_names
from notoneless.registry.imports import db, places
from notoneless.registry.imports.columns import check_id_agrees, id_columns
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.masks import mask
from notoneless.registry.models import (
    AssistanceRecord,
    DisabilityRecord,
    HardshipListRecord,
    Household,
    HouseholdStatus,
    HukouRecord,
    Person,
    PovertyMember,
    StudyElsewhereRecord,
)

IDENTITY_COLUMNS = [
    "name",
    "name_norm",
    "name_pinyin",
    "sex",
    "birth_date",
    "id_number_plain",
    "id_number_hash",
    "id_number_masked",
    "id_status",
    "village_id",
    "person_id",
    "link_method",
    "source_row",
]


def _identity(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """Normalised names, ID hash and mask, village, and the exact link to a person by a valid ID."""
    check_id_agrees(frame, "id_number", ctx.titles, ctx.log, strict=False)
    names = normalise_names(frame["name"].to_list())
    valid_id = pl.when(pl.col("id_number_status") == "ok").then(pl.col("id_number"))
    frame = frame.with_columns(
        pl.Series("name_norm", names, dtype=pl.String),
        pl.Series("name_pinyin", names_pinyin(names), dtype=pl.String),
        db.hash_column(frame["id_number"]).alias("id_number_hash"),
        db.hash_column(frame.select(valid_id.alias("v"))["v"]).alias("_valid_hash"),
        mask("id_number", "id_number").alias("id_number_masked"),
    )
    if "village_id" not in frame.columns:
        frame = (
            places.resolve_villages(frame, ctx)
            if "village" in frame.columns
            else frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("village_id"))
        )
    persons = (
        db.existing(
            Person, ["id", "id_number_hash"], where=("id_number_hash", frame["_valid_hash"])
        )
        .filter(pl.col("id_number_hash") != "")
        .unique("id_number_hash", keep="first")
        .select(
            pl.col("id_number_hash").alias("_valid_hash"),
            pl.col("id").cast(pl.Int64).alias("person_id"),
        )
    )
    frame = frame.join(persons, on="_valid_hash", how="left")
    return frame.with_columns(
        pl.when(pl.col("person_id").is_not_null())
        .then(pl.lit("exact_id"))
        .otherwise(pl.lit(""))
        .alias("link_method"),
        pl.coalesce("sex", "id_number_sex").fill_null("").alias("sex"),
        pl.coalesce("birth_date", "id_number_birth").alias("birth_date"),
        pl.col("id_number").alias("id_number_plain"),
        pl.col("id_number_status").fill_null("missing").alias("id_status"),
        pl.col("_row").alias("source_row"),
    )


def _record_key(frame: pl.DataFrame, kind: str, *parts: pl.Expr) -> pl.DataFrame:
    """A keyed hash of what identifies the row in its register, so re-imports update, not duplicate."""
    text = pl.concat_str(
        [pl.lit(kind), *[p.cast(pl.String).fill_null("") for p in parts]], separator="|"
    )
    keys = frame.select(text.alias("k"))["k"]
    return frame.with_columns(db.hash_column(keys).alias("record_key"))


def _person_or_name_key() -> list[pl.Expr]:
    return [
        pl.col("id_number").fill_null(""),
        pl.when(pl.col("id_number").is_null()).then(pl.col("name_norm")),
        pl.when(pl.col("id_number").is_null()).then(pl.col("birth_date")),
    ]


def _write_records(model: type, frame: pl.DataFrame, extra: list[pl.Expr | str]) -> db.Counts:
    rows = frame.select("record_key", *IDENTITY_COLUMNS, *extra).with_columns(
        pl.col("village_id").cast(pl.Int64),
        pl.col("person_id").cast(pl.Int64),
        pl.col("source_row").cast(pl.Int64),
    )
    counts, _ = db.upsert(model, rows, keys=["record_key"], encrypted=["id_number"])
    return counts


def _dedupe(frame: pl.DataFrame, ctx: ImportContext, what_zh: str, what_en: str) -> pl.DataFrame:
    ctx.log.add(
        frame,
        pl.col("record_key").is_duplicated() & ~pl.col("record_key").is_first_distinct(),
        "",
        None,
        f"与前面的行重复（{what_zh}），已合并",
        f"repeats an earlier row ({what_en}); merged",
        severity="warning",
    )
    return frame.unique("record_key", keep="last", maintain_order=True)


def _set_person_flags(frame: pl.DataFrame, **flags: pl.Expr) -> None:
    linked = frame.filter(pl.col("person_id").is_not_null()).select(
        pl.col("person_id").alias("id"), **flags
    )
    db.update(Person, linked.unique("id", keep="last"))


# --- households: the poverty register, one row per member -----------------------------------------------


def _households_prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    frame = places.resolve_villages(frame, ctx, required=False)
    frame = _identity(frame, ctx)
    status = pl.col("poverty_status")
    ctx.log.add(
        frame,
        (status == "exited") & pl.col("exit_year").is_null(),
        ctx.title("exit_year"),
        None,
        "已脱贫户应填写脱贫年度",
        "an exited household needs its exit year",
        severity="warning",
    )
    ctx.log.add(
        frame,
        pl.col("exit_year") < pl.col("registered_year"),
        ctx.title("exit_year"),
        pl.col("exit_year").cast(pl.String),
        "脱贫年度早于识别年度",
        "exit year before registration year",
    )
    first = frame.group_by("household_number").agg(pl.col("poverty_status").n_unique().alias("_n"))
    frame = frame.join(first, on="household_number")
    ctx.log.add(
        frame,
        pl.col("_n") > 1,
        ctx.title("poverty_status"),
        pl.col("household_number"),
        "同一户的贫困户状态不一致",
        "members of one household disagree on its poverty status",
    )
    frame = _record_key(
        frame.drop("_n"), "household", pl.col("household_number"), *_person_or_name_key()
    )
    return _dedupe(frame, ctx, "同户同人", "same member of the same household")


def _households_write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    heads = (
        frame.sort("_row")
        .group_by("household_number", maintain_order=True)
        .agg(
            pl.col("village_id").drop_nulls().first(),
            pl.col("head_name").drop_nulls().first().fill_null(""),
            pl.col("poverty_status").first(),
            pl.col("registered_year").max(),
            pl.col("exit_year").max(),
            pl.col("monitored").fill_null(False).any(),
        )
        .rename({"household_number": "number"})
    )
    heads = heads.with_columns(
        pl.col("village_id").cast(pl.Int64),
        pl.col("registered_year").cast(pl.Int64),
        pl.col("exit_year").cast(pl.Int64),
    )
    _, ids = db.upsert(Household, heads, keys=["number"])
    _record_status_changes(heads, ids, ctx)
    frame = frame.join(
        ids.select(pl.col("number").alias("household_number"), pl.col("id").alias("household_id")),
        on="household_number",
    )
    counts = _write_records(
        PovertyMember,
        frame,
        [
            pl.col("household_id").cast(pl.Int64),
            pl.col("relation").fill_null("").alias("relation_to_head"),
        ],
    )
    _set_person_flags(
        frame,
        household_id=pl.col("household_id").cast(pl.Int64),
        relation_to_head=pl.col("relation").fill_null(""),
    )
    return counts


def _record_status_changes(heads: pl.DataFrame, ids: pl.DataFrame, ctx: ImportContext) -> None:
    changed = heads.join(ids.filter("written"), on="number").select(
        pl.col("id").alias("household_id"),
        pl.lit(db.db_datetime(ctx.started_at)).alias("recorded_at"),
        "poverty_status",
        "registered_year",
        "exit_year",
        "monitored",
    )
    changed = changed.with_columns(
        pl.Series("id", db.reserve_ids(HouseholdStatus, changed.height), dtype=pl.Int64)
    )
    db.insert(HouseholdStatus, changed)


households = SimpleNamespace(STRICT_IDS=False, prepare=_households_prepare, write=_households_write)


# --- assistance: 低保, 特困, orphans ------------------------------------------------------------------------


def _assistance_prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    frame = _identity(frame, ctx)
    frame = _record_key(
        frame,
        "assistance",
        pl.col("category"),
        *_person_or_name_key(),
        pl.when(pl.col("id_number").is_null()).then(pl.col("village")),
    )
    return _dedupe(frame, ctx, "同类别同人", "same person in the same category")


def _assistance_write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    counts = _write_records(
        AssistanceRecord, frame, ["category", pl.col("household_number").fill_null("")]
    )
    orphans = frame.filter(pl.col("category") == "orphan")
    _set_person_flags(orphans, orphan=pl.lit(True))
    _mark_household_assistance(frame)
    return counts


def _mark_household_assistance(frame: pl.DataFrame) -> None:
    """低保 and 特困 are household facts too: mark the household when the row names one we hold."""
    numbered = frame.filter(pl.col("household_number").is_not_null())
    if numbered.height == 0:
        return
    have = db.existing(Household, ["id", "number"]).rename({"number": "household_number"})
    flags = (
        numbered.join(have, on="household_number")
        .group_by("id")
        .agg(
            pl.when(pl.col("category") == "dibao_rural")
            .then(pl.lit("rural"))
            .when(pl.col("category") == "dibao_urban")
            .then(pl.lit("urban"))
            .drop_nulls()
            .first()
            .alias("dibao"),
            (pl.col("category") == "tekun").any().alias("tekun"),
        )
    )
    db.update(Household, flags.filter(pl.col("dibao").is_not_null()).select("id", "dibao"))
    db.update(Household, flags.filter("tekun").select("id", "tekun"))


assistance = SimpleNamespace(STRICT_IDS=False, prepare=_assistance_prepare, write=_assistance_write)


# --- disability -------------------------------------------------------------------------------------------


def _disability_prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    certificate = pl.col("certificate").str.to_uppercase().str.replace_all(r"\s", "")
    frame = frame.with_columns(certificate.alias("certificate"))
    ctx.log.add(
        frame,
        ~pl.col("certificate").str.contains(r"^\d{17}[\dX]\d{2}$").fill_null(False),
        ctx.title("certificate"),
        None,
        "残疾证号应为身份证号加2位数字",
        "certificate must be the ID + 2 digits",
        severity="warning",
    )
    from_cert = pl.when(pl.col("certificate").str.len_chars() == 20).then(
        pl.col("certificate").str.slice(0, 18)
    )
    frame = frame.with_columns(pl.coalesce(pl.col("id_number"), from_cert).alias("id_number"))
    # The ID column was parsed before the certificate filled its blanks: derive its facts again.
    frame = frame.with_columns(id_columns(frame["id_number"], "id_number"))
    frame = _identity(frame, ctx)
    frame = _record_key(frame, "disability", pl.col("certificate"))
    return _dedupe(frame, ctx, "同一残疾证", "same certificate")


def _disability_write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    frame = frame.with_columns(
        pl.col("certificate").alias("certificate_plain"),
        db.hash_column(frame["certificate"]).alias("certificate_hash"),
        mask("certificate", "id_number").alias("certificate_masked"),
    )
    rows = frame.select(
        "record_key",
        *IDENTITY_COLUMNS,
        "certificate_plain",
        "certificate_hash",
        "certificate_masked",
        "disability_type",
        pl.col("disability_grade").cast(pl.Int64),
    ).with_columns(
        pl.col("village_id").cast(pl.Int64),
        pl.col("person_id").cast(pl.Int64),
        pl.col("source_row").cast(pl.Int64),
    )
    counts, _ = db.upsert(
        DisabilityRecord, rows, keys=["record_key"], encrypted=["id_number", "certificate"]
    )
    _set_person_flags(frame, disabled=pl.lit(True))
    return counts


disability = SimpleNamespace(STRICT_IDS=False, prepare=_disability_prepare, write=_disability_write)


# --- hukou: school-age children on the household register --------------------------------------------------


def _hukou_prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    frame = _identity(frame, ctx)
    frame = _record_key(
        frame,
        "hukou",
        *_person_or_name_key(),
        pl.when(pl.col("id_number").is_null()).then(pl.col("village")),
    )
    return _dedupe(frame, ctx, "同一人", "same person")


def _hukou_write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    guardians = normalise_names(frame["guardian_name"].to_list())
    frame = frame.with_columns(pl.Series("guardian_name_norm", guardians, dtype=pl.String))
    return _write_records(
        HukouRecord,
        frame,
        [
            pl.col("address").fill_null(""),
            pl.col("guardian_name").fill_null(""),
            "guardian_name_norm",
            pl.col("hukou_type").fill_null(""),
        ],
    )


hukou = SimpleNamespace(STRICT_IDS=False, prepare=_hukou_prepare, write=_hukou_write)


# --- children studying outside the county -------------------------------------------------------------------


def _elsewhere_prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    frame = _identity(frame, ctx)
    frame = _record_key(frame, "elsewhere", *_person_or_name_key(), pl.col("school_name"))
    return _dedupe(frame, ctx, "同一人同一学校", "same person and school")


def _elsewhere_write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    return _write_records(
        StudyElsewhereRecord,
        frame,
        [
            pl.lit(None, dtype=pl.Int64).alias("term_id"),
            "school_name",
            "place",
            pl.col("stage").fill_null(""),
            pl.col("grade").cast(pl.Int64),
            "evidence",
        ],
    )


elsewhere = SimpleNamespace(STRICT_IDS=False, prepare=_elsewhere_prepare, write=_elsewhere_write)


# --- a national system's hardship list ---------------------------------------------------------------------


def _hardship_prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("village_id"))
    frame = _identity(frame, ctx)
    frame = _link_by_student_number(frame, ctx)
    frame = _record_key(
        frame,
        "hardship",
        pl.col("category"),
        pl.coalesce("id_number", "student_number"),
        pl.when(pl.col("id_number").is_null() & pl.col("student_number").is_null()).then(
            pl.col("name_norm")
        ),
        pl.col("school_code"),
    )
    return _dedupe(frame, ctx, "同类别同一学生", "same student in the same category")


def _link_by_student_number(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """A listed student without a usable ID is still linked when the student number is one we hold."""
    from notoneless.registry.imports.lookup import students_by_number

    frame = frame.with_columns(db.hash_column(frame["student_number"]).alias("student_number_hash"))
    by_number = students_by_number(frame["student_number_hash"]).select(
        pl.col("number_hash").alias("student_number_hash"), pl.col("person_id").alias("_p")
    )
    frame = frame.join(by_number, on="student_number_hash", how="left")
    linked_by_number = pl.col("person_id").is_null() & pl.col("_p").is_not_null()
    return frame.with_columns(
        pl.when(linked_by_number)
        .then(pl.lit("exact_id"))
        .otherwise(pl.col("link_method"))
        .alias("link_method"),
        pl.coalesce("person_id", "_p").alias("person_id"),
    ).drop("_p")


def _hardship_write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    frame = frame.with_columns(
        pl.col("student_number").alias("student_number_plain"),
        mask("student_number", "student_number").alias("student_number_masked"),
    )
    rows = frame.select(
        "record_key",
        *IDENTITY_COLUMNS,
        "category",
        pl.col("source").fill_null(""),
        "student_number_plain",
        "student_number_hash",
        "student_number_masked",
        pl.col("school_code").fill_null(""),
        pl.col("school_name").fill_null(""),
        pl.col("stage").fill_null(""),
        pl.col("grade").cast(pl.Int64),
    ).with_columns(
        pl.col("village_id").cast(pl.Int64),
        pl.col("person_id").cast(pl.Int64),
        pl.col("source_row").cast(pl.Int64),
    )
    counts, _ = db.upsert(
        HardshipListRecord, rows, keys=["record_key"], encrypted=["id_number", "student_number"]
    )
    return counts


hardship = SimpleNamespace(STRICT_IDS=False, prepare=_hardship_prepare, write=_hardship_write)
