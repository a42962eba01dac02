"""The student register of one term: persons, students (with their number history), enrolments, guardians.

Re-imports follow the person, not the number: a row is matched to an existing student by its student
number (any number the student ever had), then by its previous number (原学籍号), then by its resident ID.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import polars as pl
from django.db.models import Model

from notoneless.lib.names import names_pinyin, normalise_names
from notoneless.registry.imports import db, places
from notoneless.registry.imports.columns import check_id_agrees
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.grades import settle_stage
from notoneless.registry.imports.issues import WARNING, IssueLog
from notoneless.registry.imports.lookup import students_by_id, students_by_number
from notoneless.registry.imports.masks import mask
from notoneless.registry.models import (
    Enrollment,
    Guardian,
    Household,
    Person,
    School,
    Student,
    StudentNumber,
    Term,
)

STRICT_IDS = True
NATURAL_KEY = ["student_number"]  # a repeat in a later batch of a streamed file is an error
TERM_KINDS = {"students"}
_TERM = re.compile(r"^(\d{4})-(autumn|spring)$")


def term_dates(year: int, season: str) -> tuple[date, date]:
    """Default term dates; the school calendar can refine them later."""
    if season == "autumn":
        return date(year, 9, 1), date(year + 1, 1, 31)
    return date(year + 1, 2, 15), date(year + 1, 7, 15)


def current_term_code(today: date) -> str:
    if today.month >= 8:
        return f"{today.year}-autumn"
    if today.month == 1:
        return f"{today.year - 1}-autumn"
    return f"{today.year - 1}-spring"


def check_term_code(code: str | None, log: IssueLog) -> str | None:
    """``2020-autumn`` is the 2020-2021 school year's first term; ``2020-spring`` its second (2021)."""
    from django.utils import timezone

    code = code or current_term_code(timezone.localdate())
    if not _TERM.match(code):
        log.add_file_issue(
            f"学期“{code}”格式不对（如2020-autumn）", f"term '{code}' must look like 2020-autumn"
        )
        return None
    return code


def ensure_term(code: str) -> Term:
    """The term, created with default dates the first time a roster for it is written."""
    match = _TERM.match(code)
    assert match is not None
    year, season = int(match.group(1)), match.group(2)
    start, end = term_dates(year, season)
    term, _ = Term.objects.get_or_create(
        code=code,
        defaults={"school_year": year, "season": season, "start_date": start, "end_date": end},
    )
    return term


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    log, t = ctx.log, ctx.title
    check_id_agrees(frame, "id_number", ctx.titles, log, strict=True)
    log.add(
        frame,
        pl.col("student_number").is_duplicated() & pl.col("student_number").is_not_null(),
        t("student_number"),
        _masked("student_number"),
        "文件中学籍号重复",
        "student number appears more than once in the file",
    )
    dup_id = pl.col("id_number").is_not_null() & pl.col("id_number").is_duplicated()
    log.add(
        frame,
        dup_id,
        t("id_number"),
        _masked("id_number"),
        "文件中身份证号重复（同一人有两条学籍）",
        "resident ID appears more than once in the file",
    )
    g_mismatch = (
        pl.col("student_number").str.starts_with("G")
        & pl.col("id_number").is_not_null()
        & (pl.col("student_number").str.slice(1) != pl.col("id_number"))
    )
    log.add(
        frame,
        g_mismatch,
        t("student_number"),
        _masked("student_number"),
        "G字头学籍号与身份证号不一致",
        "G student number does not carry the row's resident ID",
    )
    frame = _resolve_school(frame, ctx)
    frame = places.resolve_villages(
        frame, ctx, village="hukou_village", township="hukou_township", out="hukou_village_id"
    )
    return _resolve_household(frame, ctx)


def _masked(column: str) -> pl.Expr:
    return mask(column, "id_number" if column == "id_number" else "student_number")


def _resolve_school(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    schools = db.existing(School, ["id", "code", "school_type"]).rename(
        {"id": "school_id", "code": "school_code", "school_type": "_school_type"}
    )
    frame = frame.join(schools, on="school_code", how="left")
    ctx.log.add(
        frame,
        pl.col("school_code").is_not_null() & pl.col("school_id").is_null(),
        ctx.title("school_code"),
        pl.col("school_code"),
        "学校标识码不在学校名册中（请先导入学校）",
        "school code is not in the school register (import schools first)",
    )
    combos = (
        frame.select("grade_hint", "grade", "_school_type")
        .unique()
        .drop_nulls(["grade", "_school_type"])
    )
    settled = [
        {**row, "stage": s[0], "_grade": s[1]}
        if (s := settle_stage(row["grade_hint"] or "", row["grade"], row["_school_type"]))
        else {**row, "stage": None, "_grade": None}
        for row in combos.to_dicts()
    ]
    table = pl.DataFrame(settled, schema={**combos.schema, "stage": pl.String, "_grade": pl.Int64})
    frame = frame.join(
        table, on=["grade_hint", "grade", "_school_type"], how="left", nulls_equal=True
    )
    bad = (
        pl.col("grade").is_not_null()
        & pl.col("school_id").is_not_null()
        & pl.col("stage").is_null()
    )
    ctx.log.add(
        frame,
        bad,
        ctx.title("grade"),
        pl.col("grade").cast(pl.String),
        "年级与学校类型不符",
        "grade does not fit the school's type",
    )
    return frame.with_columns(pl.col("_grade").alias("grade")).drop("_grade", "grade_hint")


def _resolve_household(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    households = db.existing(Household, ["id", "number"]).rename(
        {"id": "household_id", "number": "household_number"}
    )
    frame = frame.join(households, on="household_number", how="left")
    ctx.log.add(
        frame,
        pl.col("household_number").is_not_null() & pl.col("household_id").is_null(),
        ctx.title("household_number"),
        pl.col("household_number"),
        "户编号不在建档立卡名册中，暂不关联",
        "household number not in the poverty register yet; not linked",
        severity=WARNING,
    )
    return frame


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    assert ctx.term_code is not None
    ctx.term = ensure_term(ctx.term_code)
    db.prime_ids(Person, Student, StudentNumber, Enrollment, Guardian)
    frame = _assign_ids(_resolve_people(_with_hashes(frame)))
    _keep_replaced_numbers(frame, ctx)
    people = _write_people(frame, ctx)
    enrolments = _write_enrollments(frame, ctx.term)
    guardians = _write_guardians(frame)
    # A row counts as updated when anything it carries changed: person, student, enrolment or guardian.
    changed = people | enrolments | guardians
    created = frame.filter(pl.col("_new")).height
    updated = len(changed - set(frame.filter(pl.col("_new"))["_row"].to_list()))
    return db.Counts(created=created, updated=updated, unchanged=frame.height - created - updated)


def _with_hashes(frame: pl.DataFrame) -> pl.DataFrame:
    names = normalise_names(frame["name"].to_list())
    return frame.with_columns(
        db.hash_column(frame["student_number"]).alias("number_hash"),
        db.hash_column(frame["previous_student_number"]).alias("previous_hash"),
        db.hash_column(frame["id_number"]).alias("id_number_hash"),
        pl.Series("name_norm", names, dtype=pl.String),
        pl.Series("name_pinyin", names_pinyin(names), dtype=pl.String),
    )


def _resolve_people(frame: pl.DataFrame) -> pl.DataFrame:
    """Attach ``student_id`` and ``person_id`` of the existing student each row is, if any: by its number
    (any the student has had), by its previous number, then by its resident ID."""
    known = students_by_number(pl.concat([frame["number_hash"], frame["previous_hash"]]))
    by_id = students_by_id(frame["id_number_hash"]).rename(
        {"student_id": "_s3", "person_id": "_p3"}
    )
    frame = frame.join(
        known.rename({"student_id": "_s1", "person_id": "_p1"}), on="number_hash", how="left"
    )
    frame = frame.join(
        known.rename({"number_hash": "previous_hash", "student_id": "_s2", "person_id": "_p2"}),
        on="previous_hash",
        how="left",
    )
    frame = frame.join(by_id, on="id_number_hash", how="left")
    return frame.with_columns(
        pl.coalesce("_s1", "_s2", "_s3").alias("student_id"),
        pl.coalesce("_p1", "_p2", "_p3").alias("person_id"),
    ).drop("_s1", "_s2", "_s3", "_p1", "_p2", "_p3")


def _assign_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """New persons and students get ids reserved now, so every dependant row can point at them."""
    is_new = frame["person_id"].is_null()
    count = int(is_new.sum())
    person_ids = iter(db.reserve_ids(Person, count))
    student_ids = iter(db.reserve_ids(Student, count))
    new_person = [next(person_ids) if n else None for n in is_new.to_list()]
    new_student = [next(student_ids) if n else None for n in is_new.to_list()]
    return frame.with_columns(
        pl.coalesce(pl.col("person_id"), pl.Series(new_person, dtype=pl.Int64)).alias("person_id"),
        pl.coalesce(pl.col("student_id"), pl.Series(new_student, dtype=pl.Int64)).alias(
            "student_id"
        ),
        is_new.alias("_new"),
    )


def _person_columns(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("person_id").alias("id"),
        "name",
        "name_norm",
        "name_pinyin",
        pl.coalesce("sex", "id_number_sex").fill_null("").alias("sex"),
        pl.coalesce("birth_date", "id_number_birth").alias("birth_date"),
        pl.col("id_number").alias("id_number_plain"),
        "id_number_hash",
        mask("id_number", "id_number").alias("id_number_masked"),
        pl.col("id_number_status").fill_null("missing").alias("id_status"),
        pl.col("ethnicity").fill_null(""),
        pl.col("hukou_type").fill_null(""),
        pl.col("hukou_village_id").cast(pl.Int64),
        pl.col("hukou_village").fill_null("").alias("hukou_address"),
        pl.col("household_id").cast(pl.Int64),
        pl.col("orphan").fill_null(False),
        pl.col("left_behind").fill_null(False),
        pl.col("single_parent").fill_null(False),
        pl.col("in_distress").fill_null(False),
    )


def _student_columns(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("student_id").alias("id"),
        pl.col("person_id"),
        pl.col("student_number").alias("student_number_plain"),
        pl.col("number_hash").alias("student_number_hash"),
        mask("student_number", "student_number").alias("student_number_masked"),
        pl.col("hardship_grade").fill_null(""),
    )


# person column -> the file field it comes from, for columns a file may leave out
OPTIONAL_PERSON_FIELDS = {
    "ethnicity": "ethnicity",
    "hukou_type": "hukou_type",
    "hukou_village_id": "hukou_village",
    "hukou_address": "hukou_village",
    "household_id": "household_number",
    "orphan": "orphan",
    "left_behind": "left_behind",
    "single_parent": "single_parent",
    "in_distress": "in_distress",
}


def _write_people(frame: pl.DataFrame, ctx: ImportContext) -> set[int]:
    """Rows whose person or student record was created or changed."""
    people = _person_columns(frame).with_columns(
        pl.lit("").alias("relation_to_head"), pl.lit(False).alias("disabled")
    )
    # A column the file does not have leaves what the person has alone (another register may have set it),
    # and so do the facts other registers own: disability, household relation.
    absent = [
        column for column, source in OPTIONAL_PERSON_FIELDS.items() if source not in ctx.titles
    ]
    tagged = frame.select("_row", "_new")
    touched = _upsert_rows(
        Person,
        pl.concat([tagged, people], how="horizontal"),
        ["id"],
        ["id_number"],
        drop_for_old=["relation_to_head", "disabled", *absent],
    )
    students = pl.concat([tagged, _student_columns(frame)], how="horizontal")
    return touched | _upsert_rows(Student, students, ["id"], ["student_number"])


def _upsert_rows(
    model: type[Model],
    rows: pl.DataFrame,
    keys: list[str],
    encrypted: list[str],
    drop_for_old: Sequence[str] = (),
) -> set[int]:
    """Upsert rows tagged ``_row`` and ``_new``: rows of new students are inserted without looking for
    them first; the others are compared and updated when changed (leaving ``drop_for_old`` alone).
    Returns the ``_row`` numbers written."""
    touched: set[int] = set()
    new = rows.filter(pl.col("_new"))
    if new.height:
        db.upsert(model, new.drop("_row", "_new"), keys=keys, encrypted=encrypted, new_only=True)
        touched |= set(new["_row"].to_list())
    old = rows.filter(~pl.col("_new")).drop(list(drop_for_old))
    if old.height:
        _, written = db.upsert(model, old.drop("_row", "_new"), keys=keys, encrypted=encrypted)
        touched |= set(old.join(written.filter("written"), on=keys, how="semi")["_row"].to_list())
    return touched


def _keep_replaced_numbers(frame: pl.DataFrame, ctx: ImportContext) -> None:
    """When a student's number changes, the old one moves to the history (still found by search and
    re-imports). Runs before the student row is updated, and copies the stored values as they are."""
    current = db.existing(
        Student,
        ["id", "student_number_enc", "student_number_hash", "student_number_masked"],
        where=("id", frame.filter(~pl.col("_new"))["student_id"]),
    ).with_columns(pl.col("id").cast(pl.Int64))
    replaced = (
        frame.filter(~pl.col("_new"))
        .select("student_id", "number_hash")
        .join(current, left_on="student_id", right_on="id")
        .filter(pl.col("student_number_hash") != pl.col("number_hash"))
        .join(
            db.existing(StudentNumber, ["number_hash"]),
            left_on="student_number_hash",
            right_on="number_hash",
            how="anti",
        )
        .select(
            "student_id",
            pl.col("student_number_enc").alias("number_enc"),
            pl.col("student_number_hash").alias("number_hash"),
            pl.col("student_number_masked").alias("number_masked"),
            pl.col("student_number_masked").str.slice(0, 1).alias("kind"),
            pl.lit(db.db_datetime(ctx.started_at)).alias("replaced_at"),
        )
    )
    ids = db.reserve_ids(StudentNumber, replaced.height)
    db.insert(StudentNumber, replaced.with_columns(pl.Series("id", ids, dtype=pl.Int64)))


def _write_enrollments(frame: pl.DataFrame, term: Term) -> set[int]:
    rows = frame.select(
        "_row",
        "_new",
        "student_id",
        pl.lit(term.pk, dtype=pl.Int64).alias("term_id"),
        pl.col("school_id").cast(pl.Int64),
        "stage",
        pl.col("grade").cast(pl.Int64),
        pl.col("class_name").fill_null(""),
        pl.col("boarding").fill_null(False),
        pl.col("status").fill_null("enrolled"),
        pl.col("status_date").alias("status_changed_on"),
        pl.col("major").fill_null(""),
        pl.col("major_category").fill_null(""),
    )
    return _upsert_rows(Enrollment, rows, ["student_id", "term_id", "school_id"], [])


def _write_guardians(frame: pl.DataFrame) -> set[int]:
    with_guardian = frame.filter(pl.col("guardian_name").is_not_null())
    if with_guardian.height == 0:
        return set()
    norm = normalise_names(with_guardian["guardian_name"].to_list())
    rows = with_guardian.select(
        "_row",
        "_new",
        "person_id",
        pl.col("guardian_name").alias("name"),
        pl.Series("name_norm", norm, dtype=pl.String),
        pl.col("guardian_relation").fill_null("").alias("relation"),
        pl.col("guardian_id").alias("id_number_plain"),
        db.hash_column(with_guardian["guardian_id"]).alias("id_number_hash"),
        mask("guardian_id", "id_number").alias("id_number_masked"),
        pl.col("guardian_phone").alias("phone_plain"),
        db.hash_column(with_guardian["guardian_phone"]).alias("phone_hash"),
        mask("guardian_phone", "phone").alias("phone_masked"),
    )
    # A child's guardians are unique by name: a roster naming the same guardian twice keeps the last row.
    rows = rows.unique(["person_id", "name_norm"], keep="last", maintain_order=True)
    return _upsert_rows(Guardian, rows, ["person_id", "name_norm"], ["id_number", "phone"])
