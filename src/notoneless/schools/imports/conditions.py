"""School conditions (办学条件): one row per school and year. The equipment value is in 元 unless its
header says 万元; a value that would be implausible per student in the unit it claims is refused with
the unit it looks like, because a column in 万元 read as 元 makes every school look bare (and the
other way round, lavish)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
from django.db import transaction
from django.utils import timezone

from notoneless.registry.imports import db
from notoneless.registry.imports.context import ImportContext
from notoneless.registry.imports.issues import WARNING
from notoneless.schools.imports.common import (
    WAN,
    check_year,
    enrolment_by_school_year,
    header_unit,
    to_fen,
    with_school,
)
from notoneless.schools.models import Conditions

STRICT_IDS = True
NATURAL_KEY = ["school_code", "year"]
# yuan of teaching equipment per student that no real school is below or above, checked where the
# school has at least MIN_STUDENTS (a handful of pupils makes any per-student figure extreme)
PLAUSIBLE_PER_STUDENT = (50, 200_000)
MIN_STUDENTS = 20
# without enrolment to compare with: a whole school's equipment below / above this many yuan
PLAUSIBLE_PER_SCHOOL = (1_000, 500_000_000)
COUNTS = ("multimedia_classrooms", "books", "computers", "specialist_rooms", "remote_classrooms")
AREAS = ("teaching_floor", "sports_ground")


def prepare(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    log = ctx.log
    frame = with_school(frame, ctx)
    log.add(
        frame,
        pl.struct("school_code", "year").is_duplicated(),
        ctx.title("school_code"),
        pl.col("school_code"),
        "同一学校同一年度在文件中出现多次",
        "the same school and year appear more than once in the file",
    )
    check_year(frame, ctx)
    for name in COUNTS:
        log.add(
            frame,
            pl.col(name) < 0,
            ctx.title(name),
            pl.col(name).cast(pl.String),
            "不能为负数",
            "cannot be negative",
        )
    unit = header_unit(ctx, "equipment_value")
    if unit is None:
        log.add_file_issue(
            f"“{ctx.title('equipment_value')}”未注明单位，按元计算（以万元填报请在表头写“（万元）”）",
            f"'{ctx.title('equipment_value')}' names no unit: read as yuan (write （万元） in the "
            "header for ten-thousands)",
            ctx.title("equipment_value"),
            WARNING,
        )
    frame = frame.with_columns(to_fen(frame["equipment_value"], unit or 1).alias("equipment_fen"))
    _check_equipment_unit(frame, ctx, unit or 1)
    return frame


def _check_equipment_unit(frame: pl.DataFrame, ctx: ImportContext, unit: int) -> None:
    """Rows whose equipment value per student (or per school, without enrolment) is implausible in
    the unit the header claims, named with the unit they look like."""
    years = frame["year"].drop_nulls().unique().to_list()
    size = enrolment_by_school_year(years)
    frame = frame.join(size, on=["school_id", "year"], how="left")
    yuan = pl.col("equipment_fen") / 100
    per_student = yuan / pl.col("students")
    known = pl.col("students").fill_null(0) >= MIN_STUDENTS
    low, high = PLAUSIBLE_PER_STUDENT
    school_low, school_high = PLAUSIBLE_PER_SCHOOL
    too_low = pl.when(known).then(per_student < low).otherwise(yuan < school_low)
    too_high = pl.when(known).then(per_student > high).otherwise(yuan > school_high)
    title = ctx.title("equipment_value")
    shown = pl.col("equipment_value").cast(pl.String)
    # zero means "none" and is taken as written; only a positive value can be in the wrong unit
    positive = pl.col("equipment_fen") > 0
    if unit == 1:
        ctx.log.add(
            frame,
            positive & too_low,
            title,
            shown,
            "按元计每生设备值过低，疑似以万元填报：请核对单位（表头写“（万元）”）",
            "far too little per student in yuan: the value looks like 万元 (write （万元） in the "
            "header)",
        )
        ctx.log.add(
            frame,
            too_high,
            title,
            shown,
            "按元计每生设备值过高，请核对",
            "implausibly much per student in yuan: check the value",
        )
    if unit == WAN:
        ctx.log.add(
            frame,
            too_high,
            title,
            shown,
            "按万元计每生设备值过高，疑似以元填报：请核对单位（表头写“（元）”）",
            "implausibly much per student in 万元: the value looks like yuan (write （元） in the "
            "header)",
        )
        ctx.log.add(
            frame,
            positive & too_low,
            title,
            shown,
            "按万元计每生设备值过低，请核对",
            "far too little per student even in 万元: check the value",
        )


def _area(values: pl.Series) -> list[Decimal | None]:
    cent = Decimal("0.01")
    return [None if v is None else Decimal(v).quantize(cent) for v in values.to_list()]


def write(frame: pl.DataFrame, ctx: ImportContext) -> db.Counts:
    """A few hundred rows a year: compared with the table and written through the ORM in bulk."""
    db.flush()
    incoming = {
        (row["school_id"], row["year"]): row
        for row in frame.with_columns(
            pl.Series("teaching_floor", _area(frame["teaching_floor"]), dtype=pl.Object),
            pl.Series("sports_ground", _area(frame["sports_ground"]), dtype=pl.Object),
        ).iter_rows(named=True)
    }
    have = {
        (c.school_id, c.year): c
        for c in Conditions.objects.filter(
            school_id__in={k[0] for k in incoming}, year__in={k[1] for k in incoming}
        )
    }
    new, changed = [], []
    counts = db.Counts()
    user = ctx.acting_user if getattr(ctx.acting_user, "pk", None) else None
    now = timezone.now()
    for key, row in incoming.items():
        values = _values(row)
        old = have.get(key)
        if old is None:
            new.append(Conditions(school_id=key[0], year=key[1], updated_by=user, **values))
        elif any(getattr(old, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(old, f, v)
            old.version += 1
            old.updated_by = user
            old.updated_at = now
            changed.append(old)
        else:
            counts.unchanged += 1
    with transaction.atomic():
        Conditions.objects.bulk_create(new)
        Conditions.objects.bulk_update(
            changed, [*_values_fields(), "version", "updated_by", "updated_at"]
        )
    counts.created, counts.updated = len(new), len(changed)
    return counts


def _values_fields() -> list[str]:
    return [
        "teaching_floor_m2",
        "sports_ground_m2",
        "equipment_value_fen",
        *COUNTS,
    ]


def _values(row: dict[str, object]) -> dict[str, object]:
    values: dict[str, object] = {
        "teaching_floor_m2": row["teaching_floor"],
        "sports_ground_m2": row["sports_ground"],
        "equipment_value_fen": row["equipment_fen"],
    }
    for name in COUNTS:
        values[name] = row[name] or 0
    return values
