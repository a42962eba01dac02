"""The county's assignment table for dropout control (控辍保学责任人): who answers for the children of a
township, a village, a school or a class. One row per person and place; re-importing a file changes
nothing (upsert on duty, place, school, class and name)."""

from __future__ import annotations

import polars as pl

from notoneless.registry.imports import db, places
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.grades import settle_stage
from notoneless.registry.imports.masks import mask
from notoneless.registry.models import School
from notoneless.retention.models import Responsible
from notoneless.retention.responsibles import (
    SCHOOL_DUTIES,
    TOWNSHIP_DUTIES,
    VILLAGE_DUTIES,
    class_key,
)

STRICT_IDS = True
KEY = ["duty", "division_id", "school_id", "class_name", "name"]
_TOWNSHIP = [str(d) for d in TOWNSHIP_DUTIES]
_VILLAGE = [str(d) for d in VILLAGE_DUTIES]
_SCHOOL = [str(d) for d in SCHOOL_DUTIES]


def _divisions(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """``division_id``: the township (for township duties) or village (for village duties) the row
    names, by 12-digit code or by name (a village by name within the row's township when given, else
    by a name unique in the county)."""
    table = places.divisions()
    towns = table.filter(pl.col("level") == "township")
    villages = table.filter(pl.col("level") == "village").join(
        towns.select(pl.col("id").alias("parent_id"), pl.col("name").alias("_town")),
        on="parent_id",
        how="left",
    )
    written = places.simplified(frame["division"]).alias("_div")
    town = (
        places.simplified(frame["township"])
        if "township" in frame.columns
        else pl.Series("township", [None] * frame.height, dtype=pl.String)
    ).alias("_town")
    keyed = frame.with_columns(written, town)
    by_code = table.select(pl.col("code").alias("_div"), pl.col("id").alias("_by_code"))
    town_names = towns.filter(pl.col("name").is_unique()).select(
        pl.col("name").alias("_div"), pl.col("id").alias("_town_id")
    )
    village_pairs = villages.unique(["_town", "name"], keep="none").select(
        "_town", pl.col("name").alias("_div"), pl.col("id").alias("_v_pair")
    )
    village_names = villages.filter(pl.col("name").is_unique()).select(
        pl.col("name").alias("_div"), pl.col("id").alias("_v_name")
    )
    keyed = (
        keyed.join(by_code, on="_div", how="left")
        .join(town_names, on="_div", how="left")
        .join(village_pairs, on=["_town", "_div"], how="left")
        .join(village_names, on="_div", how="left")
    )
    level_of = table.select(pl.col("id").alias("_by_code"), pl.col("level").alias("_code_level"))
    keyed = keyed.join(level_of, on="_by_code", how="left")
    duty = pl.col("duty")
    code_fits = (
        pl.when(duty.is_in(_TOWNSHIP) & (pl.col("_code_level") == "township"))
        .then(pl.col("_by_code"))
        .when(duty.is_in(_VILLAGE) & (pl.col("_code_level") == "village"))
        .then(pl.col("_by_code"))
    )
    resolved = (
        pl.when(duty.is_in(_TOWNSHIP))
        .then(pl.coalesce(code_fits, "_town_id"))
        .when(duty.is_in(_VILLAGE))
        .then(pl.coalesce(code_fits, "_v_pair", "_v_name"))
    )
    keyed = keyed.with_columns(resolved.cast(pl.Int64).alias("division_id"))
    place_duty = duty.is_in(_TOWNSHIP + _VILLAGE)
    title = ctx.title("division")
    ctx.log.add(
        keyed,
        place_duty & pl.col("division").is_null(),
        title,
        None,
        "该职责须填写所负责的镇或村",
        "this duty needs the township or village it answers for",
    )
    ctx.log.add(
        keyed,
        place_duty & pl.col("division").is_not_null() & pl.col("division_id").is_null(),
        title,
        pl.col("division"),
        "镇/村不在区划表中，或级别与职责不符（镇长、教体局联系人填乡镇；村干部填村），或村名重名未填乡镇",
        "township or village not in the division table, or of the wrong level for the duty"
        " (township head and bureau contact: a township; village duties: a village), or an"
        " ambiguous village name without its township",
    )
    return keyed.drop(
        "_div", "_town", "_by_code", "_town_id", "_v_pair", "_v_name", "_code_level"
    ).with_columns(pl.when(place_duty).then(pl.col("division_id")).alias("division_id"))


def _schools(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    schools = db.existing(School, ["id", "code", "school_type"]).select(
        pl.col("id").cast(pl.Int64).alias("school_id"),
        pl.col("code").alias("school_code"),
        "school_type",
    )
    frame = frame.join(schools, on="school_code", how="left")
    school_duty = pl.col("duty").is_in(_SCHOOL)
    title = ctx.title("school_code")
    ctx.log.add(
        frame,
        school_duty & pl.col("school_code").is_null(),
        title,
        None,
        "校长、班主任须填写学校标识码",
        "a principal or head teacher needs the school code",
    )
    ctx.log.add(
        frame,
        school_duty & pl.col("school_code").is_not_null() & pl.col("school_id").is_null(),
        title,
        pl.col("school_code"),
        "学校标识码不在学校名册中",
        "school code is not in the school register",
    )
    return frame.with_columns(pl.when(school_duty).then(pl.col("school_id")).alias("school_id"))


def _classes(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """``class_name`` of head teachers as ``retention.responsibles.class_key`` writes it (the grade's
    label before the class), blank for every other duty."""
    head = pl.col("duty") == "head_teacher"
    ctx.log.add(
        frame,
        head & pl.col("class_name").is_null(),
        ctx.title("class_name"),
        None,
        "班主任须填写班级",
        "a head teacher needs the class",
    )
    keys, misfit = [], []
    for row in frame.select("duty", "class_name", "grade", "grade_hint", "school_type").iter_rows():
        duty, name, grade, hint, school_type = row
        settled = settle_stage(hint or "", grade, school_type or "") if grade else None
        misfit.append(bool(grade and school_type and settled is None))
        if duty != "head_teacher" or not name:
            keys.append("")
        else:
            keys.append(class_key(settled[0], settled[1], name) if settled else name.strip())
    ctx.log.add(
        frame,
        head & pl.Series(misfit, dtype=pl.Boolean),
        ctx.title("grade"),
        pl.col("grade").cast(pl.String),
        "年级与学校类型不符",
        "the grade does not exist at this type of school",
    )
    return frame.with_columns(pl.Series("class_name", keys, dtype=pl.String))


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    frame = _divisions(frame, ctx)
    frame = _schools(frame, ctx)
    frame = _classes(frame, ctx)
    frame = frame.with_columns(pl.col("name").str.strip_chars())
    key = pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in KEY], separator="|")
    ctx.log.add(
        frame,
        key.is_duplicated() & ~key.is_first_distinct() & pl.col("name").is_not_null(),
        ctx.title("name"),
        pl.col("name"),
        "与前面的行重复（同一职责、地点和姓名），已合并",
        "repeats an earlier row (same duty, place and name); merged",
        severity="warning",
    )
    return frame.with_columns(key.alias("_key")).unique("_key", keep="last", maintain_order=True)


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    rows = frame.select(
        "duty",
        pl.col("division_id").cast(pl.Int64),
        pl.col("school_id").cast(pl.Int64),
        pl.col("class_name").fill_null(""),
        "name",
        pl.col("phone").alias("phone_plain"),
        db.hash_column(frame["phone"]).alias("phone_hash"),
        mask("phone", "phone").alias("phone_masked"),
    )
    counts, _ = db.upsert(Responsible, rows, keys=KEY, encrypted=["phone"])
    return counts
