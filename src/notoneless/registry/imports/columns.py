"""From a raw table to a typed frame: one column per field, parsed by the field's type, with every
unreadable value reported (row, column as written in the file, masked value, reason)."""

from __future__ import annotations

from datetime import date

import polars as pl

from notoneless.lib import parse
from notoneless.lib.names import to_simplified
from notoneless.lib.resident_id import region_warning
from notoneless.registry.imports.grades import parse_grade
from notoneless.registry.imports.issues import WARNING, IssueLog
from notoneless.registry.imports.masks import mask
from notoneless.registry.imports.spec import FieldSpec, HeaderMatch, KindSpec, normalise_value


def select_fields(
    raw: pl.DataFrame, match: HeaderMatch, *, first_row: int = 1, header: bool = True
) -> pl.DataFrame:
    """The data rows (below the header when ``raw`` holds it), one column per matched field, plus
    ``_row``: the spreadsheet row number, counting from ``first_row`` for the first row of ``raw``."""
    skip = match.header_row if header else 0
    body = raw.slice(skip).with_row_index("_row", offset=first_row + skip)
    selected = body.select(
        pl.col("_row").cast(pl.Int64),
        *(pl.col(src).alias(name) for name, src in match.columns.items()),
    )
    # A data row with every mapped cell empty is a blank line between blocks, not a record.
    fields = list(match.columns)
    if fields:
        selected = selected.filter(pl.any_horizontal(pl.col(f).is_not_null() for f in fields))
    return selected


def parse_fields(
    frame: pl.DataFrame, spec: KindSpec, match: HeaderMatch, log: IssueLog, *, strict_ids: bool
) -> pl.DataFrame:
    """Parse every present field by its type; add null columns for absent optional fields."""
    for f in spec.fields.values():
        if f.name not in frame.columns:
            # An absent optional column is parsed as all empty, so it gets the field's type.
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(f.name))
        frame = _parse_one(frame, f, match.titles.get(f.name, f.name), log, strict_ids=strict_ids)
    return frame


def _parse_one(
    frame: pl.DataFrame, f: FieldSpec, title: str, log: IssueLog, *, strict_ids: bool
) -> pl.DataFrame:
    raw = frame[f.name]
    present = raw.is_not_null()
    shown = mask(f.name, f.type)
    if f.required:
        log.add(
            frame,
            ~present,
            title,
            None,
            f"必填项“{title}”为空",
            f"required field '{title}' is empty",
        )
    parsed: pl.Series
    if f.type in ("text", "name"):
        return frame
    if f.type == "digits":
        parsed = parse.to_ascii_digits(raw).str.replace(r"\.0+$", "").str.replace_all(r"\s", "")
        bad = present & ~parsed.str.contains(r"^\d+$").fill_null(False)
        log.add(
            frame, bad, title, shown, f"“{title}”应为数字代码", f"'{title}' must be a numeric code"
        )
    elif f.type == "date":
        parsed = parse.parse_dates(raw)
        log.add(
            frame,
            present & parsed.is_null(),
            title,
            shown,
            "日期无法识别（可用2008-03-05、2008/3/5、20080305、2008年3月5日）",
            "unreadable date (use 2008-03-05, 2008/3/5, 20080305 or 2008年3月5日)",
        )
        log.add(frame, parsed > date.today(), title, shown, "日期晚于今天", "date is in the future")
    elif f.type == "bool":
        parsed = parse.parse_bools(raw)
        log.add(
            frame,
            present & parsed.is_null(),
            title,
            shown,
            "应填“是”或“否”",
            "must be 是/否 (yes/no)",
        )
    elif f.type == "sex":
        parsed = parse.parse_sex(raw)
        log.add(
            frame,
            present & parsed.is_null(),
            title,
            shown,
            "性别应为“男”或“女”",
            "sex must be 男 or 女",
        )
    elif f.type == "int":
        parsed = parse.parse_int(raw)
        log.add(
            frame, present & parsed.is_null(), title, shown, "应为整数", "must be a whole number"
        )
    elif f.type == "yuan":
        parsed = parse.parse_yuan_to_fen(raw)
        log.add(
            frame,
            present & parsed.is_null(),
            title,
            shown,
            "金额应为不小于0的数字（元，最多两位小数）",
            "amount must be a number ≥ 0 in yuan (2 decimals)",
        )
    elif f.type == "decimal":
        parsed = parse.parse_decimal(raw)
        log.add(
            frame,
            present & parsed.is_null(),
            title,
            shown,
            "应为不小于0的数字（最多六位小数）",
            "must be a number ≥ 0 (at most 6 decimals)",
        )
    elif f.type == "choice":
        parsed = _parse_choice(raw, f)
        allowed = "、".join(sorted({k for k in f.values if not k.isascii()})) or "、".join(
            sorted(f.values)
        )
        log.add(
            frame,
            present & parsed.is_null(),
            title,
            shown,
            f"无法识别的取值，可用：{allowed}",
            f"unknown value; accepted: {allowed}",
        )
    elif f.type == "grade":
        return _parse_grades(frame, f, title, log)
    elif f.type == "id_number":
        return _parse_ids(frame, f, title, log, strict=strict_ids)
    elif f.type == "student_number":
        parsed = parse.normalise_ids(raw)
        bad = present & ~parsed.str.contains(r"^[GJL][0-9A-Z]{5,30}$").fill_null(False)
        log.add(
            frame,
            bad,
            title,
            shown,
            "学籍号应以G、J或L开头",
            "student number must start with G, J or L",
        )
        g_form = parsed.str.starts_with("G").fill_null(False) & ~bad
        facts = parse.id_facts(parsed.str.slice(1))
        log.add(
            frame,
            g_form & ~facts["check_ok"],
            title,
            shown,
            "G字头学籍号应为G加有效身份证号",
            "a G student number must be G + a valid resident ID",
        )
    elif f.type == "phone":
        parsed = (
            parse.to_ascii_digits(raw)
            .str.replace_all(r"[\s\-()（）]", "")
            .str.replace(r"^\+?86", "")
        )
        bad = present & ~parsed.str.contains(r"^\d{7,12}$").fill_null(False)
        log.add(frame, bad, title, shown, "电话号码格式不对", "not a phone number")
    elif f.type == "card":
        parsed = parse.to_ascii_digits(raw).str.replace_all(r"[\s\-]", "")
        bad = present & ~parsed.str.contains(r"^\d{12,19}$").fill_null(False)
        log.add(
            frame, bad, title, shown, "银行卡号应为12-19位数字", "card number must be 12-19 digits"
        )
    else:
        raise ValueError(f"unknown field type {f.type!r} for {f.name}")
    return frame.with_columns(parsed.alias(f.name))


def _parse_choice(raw: pl.Series, f: FieldSpec) -> pl.Series:
    uniques = raw.drop_nulls().unique().to_list()
    mapping = {u: f.values.get(normalise_value(u)) for u in uniques}
    return raw.replace_strict(mapping, default=None, return_dtype=pl.String)


def _parse_grades(frame: pl.DataFrame, f: FieldSpec, title: str, log: IssueLog) -> pl.DataFrame:
    raw = frame[f.name]
    uniques = raw.drop_nulls().unique().to_list()
    parsed = {u: parse_grade(s) for u, s in zip(uniques, to_simplified(uniques), strict=True)}
    hints = raw.replace_strict(
        {k: v[0] for k, v in parsed.items() if v}, default=None, return_dtype=pl.String
    )
    numbers = raw.replace_strict(
        {k: v[1] for k, v in parsed.items() if v}, default=None, return_dtype=pl.Int64
    )
    log.add(
        frame,
        raw.is_not_null() & numbers.is_null(),
        title,
        pl.col(f.name),
        "年级无法识别（如：大班、三年级、初二、高一）",
        "unreadable grade (e.g. 大班, 三年级, 初二, 高一)",
    )
    return frame.with_columns(numbers.alias(f.name), hints.alias(f"{f.name}_hint"))


def _parse_ids(
    frame: pl.DataFrame, f: FieldSpec, title: str, log: IssueLog, *, strict: bool
) -> pl.DataFrame:
    """Normalise IDs and check them. Where ``strict`` (the student register, teachers, bank files), a bad
    check character is an error; in the external registers it is a warning and the value is kept as given,
    marked invalid, because those typos are what matching exists to repair."""
    ids = parse.upgrade_15_digit_ids(parse.normalise_ids(frame[f.name]))
    facts = id_columns(ids, f.name)
    present = ids.is_not_null()
    bad = facts[f"{f.name}_status"] == "invalid"
    shown = mask(f.name, "id_number")
    severity = "error" if strict else WARNING
    log.add(
        frame,
        bad,
        title,
        shown,
        "身份证号无效（位数或校验码不对）" + ("" if strict else "，按原样保留待比对"),
        "invalid resident ID (length or check character)"
        + ("" if strict else "; kept as given for matching"),
        severity=severity,
    )
    checked = frame.with_columns(ids.alias("_id"), facts[f"{f.name}_birth"].alias("_birth"))
    _warn_regions(checked, present & ~bad, title, log)
    return frame.with_columns(ids.alias(f.name), *facts)


def id_columns(ids: pl.Series, name: str) -> pl.DataFrame:
    """For normalised IDs: ``<name>_status`` (ok, invalid or missing), and ``<name>_birth`` and
    ``<name>_sex`` as a valid ID gives them. Invalid: wrong shape or check character, or no such date."""
    facts = parse.id_facts(ids)
    present = ids.is_not_null()
    bad = present & ~(facts["check_ok"] & facts["id_birth"].is_not_null())
    return pl.DataFrame(
        {"present": present, "bad": bad, "birth": facts["id_birth"], "sex": facts["id_sex"]}
    ).select(
        pl.when(~pl.col("present"))
        .then(pl.lit("missing"))
        .when(pl.col("bad"))
        .then(pl.lit("invalid"))
        .otherwise(pl.lit("ok"))
        .alias(f"{name}_status"),
        pl.when(pl.col("bad")).then(None).otherwise(pl.col("birth")).alias(f"{name}_birth"),
        pl.when(pl.col("bad") | ~pl.col("present"))
        .then(None)
        .otherwise(pl.col("sex"))
        .alias(f"{name}_sex"),
    )


def _warn_regions(frame: pl.DataFrame, valid: pl.Series, title: str, log: IssueLog) -> None:
    """Valid IDs whose region code is unknown or not in use in the birth year: a warning per row, with
    one table lookup per distinct (region, year)."""
    key = pl.col("_id").str.slice(0, 6) + "|" + pl.col("_birth").dt.year().cast(pl.String)
    keys = frame.select(key.alias("k"))["k"]
    findings: dict[tuple[str, str], list[str]] = {}
    for pair in keys.filter(valid).drop_nulls().unique().to_list():
        region, year = pair.split("|")
        found = region_warning(region, int(year))
        if found:
            findings.setdefault(found, []).append(pair)
    for (reason_zh, reason_en), pairs in findings.items():
        hit = valid & keys.is_in(pairs).fill_null(False)
        log.add(
            frame,
            hit,
            title,
            mask("_id", "id_number"),
            reason_zh,
            reason_en,
            severity=WARNING,
        )


def check_id_agrees(
    frame: pl.DataFrame, id_field: str, titles: dict[str, str], log: IssueLog, *, strict: bool
) -> None:
    """Birth date and sex given in their own columns must agree with the ID."""
    severity = "error" if strict else WARNING
    if "birth_date" in titles and id_field in titles:
        log.add(
            frame,
            pl.col("birth_date").is_not_null()
            & (pl.col(f"{id_field}_birth") != pl.col("birth_date")),
            titles["birth_date"],
            pl.col("birth_date").cast(pl.String),
            "出生日期与身份证号不一致",
            "birth date disagrees with the resident ID",
            severity=severity,
        )
    if "sex" in titles and id_field in titles:
        log.add(
            frame,
            pl.col("sex").is_not_null() & (pl.col(f"{id_field}_sex") != pl.col("sex")),
            titles["sex"],
            pl.col("sex"),
            "性别与身份证号不一致",
            "sex disagrees with the resident ID",
            severity=severity,
        )
