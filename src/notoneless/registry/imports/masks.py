"""Masks of sensitive values as Polars expressions, for whole columns: what screens, exports and issue
reports show. The same rules as ``notoneless.lib.protect`` applies to single values."""

from __future__ import annotations

import polars as pl

# characters kept at the start and at the end of each kind of value
KEEP = {"id_number": (6, 4), "student_number": (7, 4), "card": (6, 4), "phone": (3, 4)}


def mask(column: str, kind: str) -> pl.Expr:
    """IDs show region and last 4 (birth date hidden), cards first 6 and last 4, phones first 3 and last
    4; 'G' and 'J' student numbers are masked like the ID they carry, 'L' numbers shown. A value too short
    to mask is starred whole. Blank stays blank."""
    value = pl.col(column).cast(pl.String)
    if kind not in KEEP:
        return value
    head, tail = KEEP[kind]
    length = value.str.len_chars()
    stars = pl.lit("*").repeat_by(length - head - tail).list.join("")
    masked = value.str.slice(0, head) + stars + value.str.slice(-tail)
    all_stars = pl.lit("*").repeat_by(length).list.join("")
    shown = pl.when(length <= head + tail).then(all_stars).otherwise(masked)
    if kind == "student_number":
        shown = pl.when(value.str.starts_with("L")).then(value).otherwise(shown)
    return shown.fill_null("")
