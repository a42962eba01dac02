"""Column parsers over Polars series (no Django). Each returns the parsed series with null where the input
could not be read; callers compare nulls in the output against non-nulls in the input to report errors."""

from __future__ import annotations

from datetime import date

import polars as pl

from notoneless.lib.resident_id import CHECK_CHARS, WEIGHTS

EXCEL_EPOCH = date(1899, 12, 30)
TRUE_WORDS = ["是", "y", "yes", "true", "1", "√", "✓", "有", "住校"]
FALSE_WORDS = ["否", "n", "no", "false", "0", "×", "✗", "无", "走读"]
SEX_WORDS = {
    "男": "M",
    "m": "M",
    "male": "M",
    "1": "M",
    "女": "F",
    "f": "F",
    "female": "F",
    "2": "F",
}
FULL_WIDTH_DIGITS = "０１２３４５６７８９"


def to_ascii_digits(s: pl.Series) -> pl.Series:
    return s.str.replace_many(list(FULL_WIDTH_DIGITS + "ｘＸ"), list("0123456789xX"))


def parse_dates(s: pl.Series) -> pl.Series:
    """2008-03-05, 2008/3/5, 2008.3.5, 20080305, 2008年3月5日, an Excel serial number, or a datetime text."""
    text = to_ascii_digits(s.cast(pl.String)).str.strip_chars()
    text = text.str.split(" ").list.first().str.split("T").list.first()
    serial = text.str.extract(r"^(\d{4,5})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    text = text.str.replace_all(r"[年月/.]", "-").str.replace_all("日", "")
    compact = text.str.contains(r"^\d{8}$")
    text = pl.select(
        pl.when(compact)
        .then(text.str.slice(0, 4) + "-" + text.str.slice(4, 2) + "-" + text.str.slice(6, 2))
        .otherwise(text)
    ).to_series()
    from_serial = pl.select(pl.lit(EXCEL_EPOCH) + pl.duration(days=pl.lit(serial))).to_series()
    from_text = text.str.to_date("%Y-%m-%d", strict=False)
    out = pl.select(
        pl.when(serial.is_not_null()).then(from_serial).otherwise(from_text)
    ).to_series()
    return out.alias(s.name)


def parse_bools(s: pl.Series) -> pl.Series:
    low = s.str.strip_chars().str.to_lowercase()
    mapping = dict.fromkeys(TRUE_WORDS, True) | dict.fromkeys(FALSE_WORDS, False)
    return low.replace_strict(mapping, default=None, return_dtype=pl.Boolean).alias(s.name)


def parse_sex(s: pl.Series) -> pl.Series:
    low = s.str.strip_chars().str.to_lowercase()
    return low.replace_strict(SEX_WORDS, default=None, return_dtype=pl.String).alias(s.name)


def parse_int(s: pl.Series) -> pl.Series:
    """Whole numbers, also as Excel writes them ('3.0'); thousands separators allowed."""
    text = s.str.replace_all(r"[,，\s]", "").str.replace(r"\.0+$", "")
    return text.cast(pl.Int64, strict=False).alias(s.name)


def parse_yuan_to_fen(s: pl.Series) -> pl.Series:
    """Yuan with up to two decimals to integer fen, exactly (no float arithmetic)."""
    text = s.str.replace_all(r"[,，\s元¥￥]", "")
    parts = text.str.extract_groups(r"^(\d+)(?:\.(\d{1,2}))?$")
    whole = parts.struct.field("1").cast(pl.Int64, strict=False)
    frac = parts.struct.field("2").fill_null("0").str.pad_end(2, "0").cast(pl.Int64, strict=False)
    return (whole * 100 + frac).alias(s.name)


DECIMAL = pl.Decimal(38, 6)


def parse_decimal(s: pl.Series) -> pl.Series:
    """A number ≥ 0 with up to six decimals (thousands separators allowed) as an exact decimal;
    null where it is not one."""
    text = to_ascii_digits(s).str.replace_all(r"[,，\s]", "")
    ok = text.str.contains(r"^\d+(\.\d{1,6})?$").fill_null(False)
    parsed = pl.when(ok).then(text).otherwise(None).cast(DECIMAL, strict=False)
    return pl.select(parsed).to_series().alias(s.name)


def normalise_ids(s: pl.Series) -> pl.Series:
    """Strip separators, full-width digits to ASCII, the check 'x' upper-case."""
    return to_ascii_digits(s).str.replace_all(r"[\s\-‐－—]", "").str.to_uppercase().alias(s.name)


def upgrade_15_digit_ids(s: pl.Series) -> pl.Series:
    """15-digit numbers (born 19xx) to 18 characters with their check character."""
    is15 = s.str.contains(r"^\d{15}$").fill_null(False)
    first17 = s.str.slice(0, 6) + "19" + s.str.slice(6)
    upgraded = first17 + check_characters(first17)
    return pl.select(pl.when(is15).then(upgraded).otherwise(s)).to_series().alias(s.name)


def check_characters(first17: pl.Series) -> pl.Series:
    """MOD 11-2 check characters for a column of 17-digit strings (null where not 17 digits)."""
    ok = first17.str.contains(r"^\d{17}$").fill_null(False)
    digits = [first17.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(17)]
    total = pl.select(
        pl.sum_horizontal(d * w for d, w in zip(digits, WEIGHTS, strict=True))
    ).to_series()
    index = total % 11
    chars = index.replace_strict(dict(enumerate(CHECK_CHARS)), default=None, return_dtype=pl.String)
    return pl.select(pl.when(ok).then(chars).otherwise(None)).to_series()


def id_facts(ids: pl.Series) -> pl.DataFrame:
    """For normalised IDs: well formed, check character right, birth date and sex as the ID says."""
    shaped = ids.str.contains(r"^\d{17}[\dX]$").fill_null(False)
    check_ok = shaped & (check_characters(ids.str.slice(0, 17)) == ids.str.slice(17, 1)).fill_null(
        False
    )
    birth = ids.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    serial = ids.str.slice(16, 1).cast(pl.Int64, strict=False)
    sex = pl.select(pl.when(serial % 2 == 1).then(pl.lit("M")).otherwise(pl.lit("F"))).to_series()
    return pl.DataFrame(
        {
            "shaped": shaped,
            "check_ok": check_ok,
            "id_birth": birth,
            "id_sex": sex,
            "region": ids.str.slice(0, 6),
        }
    )
