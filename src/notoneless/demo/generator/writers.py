"""Writing frames as .xlsx (xlsxwriter, constant memory, byte-for-byte reproducible) and CSV.

xlsxwriter spends ~6 µs of Python per cell, too slow for the 4.5 million cells of Yuyang's student
register. The workbook, styles, properties and zip stay xlsxwriter's; the sheet's rows are rendered
by Polars as the very XML xlsxwriter writes in constant-memory mode (inline strings, ``<row r="n">``
without spans) and appended to the worksheet's row-data file. ``tests/demo`` checks the result is
identical to xlsxwriter's own ``write_row`` output.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

import polars as pl
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

CREATED = datetime(2020, 11, 30, 8, 0, 0, tzinfo=UTC)  # fixed: same seed, same bytes
PROPERTIES = {"title": "", "author": "notoneless generate", "created": CREATED}
CHUNK = 50_000
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"


def _needs(series: pl.Series, pattern: str) -> bool:
    return bool(series.cast(pl.String).str.contains(pattern).any())


def _cell(frame: pl.DataFrame, column: str, letter: str) -> pl.Expr:
    """The cell's XML, or nothing for an empty value (xlsxwriter writes no cell for "")."""
    ref = pl.concat_str([pl.lit(f'<c r="{letter}'), pl.col("_rn")])
    if frame.schema[column].is_integer():
        value = pl.col(column).cast(pl.String)
        return (
            pl.when(pl.col(column).is_null())
            .then(pl.lit(""))
            .otherwise(pl.concat_str([ref, pl.lit('"><v>'), value, pl.lit("</v></c>")]))
        )
    text = pl.col(column).cast(pl.String)
    escaped = text
    if _needs(frame[column], "[&<>]"):
        escaped = (
            escaped.str.replace_all("&", "&amp;", literal=True)
            .str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True)
        )
    if _needs(frame[column], _CONTROL):
        escaped = escaped.str.replace_all(_CONTROL, "")
    opening: pl.Expr = pl.lit('" t="inlineStr"><is><t>')
    if _needs(frame[column], r"^\s|\s$"):
        opening = (
            pl.when(text.str.contains(r"^\s|\s$"))
            .then(pl.lit('" t="inlineStr"><is><t xml:space="preserve">'))
            .otherwise(opening)
        )
    cell = pl.concat_str([ref, opening, escaped, pl.lit("</t></is></c>")])
    if frame[column].null_count() == 0 and not (frame[column] == "").any():
        return cell
    return pl.when(text.is_null() | (text == "")).then(pl.lit("")).otherwise(cell)


def _row_xml(frame: pl.DataFrame, first_row: int) -> pl.DataFrame:
    """One column: each row's ``<row>`` element."""
    cells = [
        _cell(frame, name, xl_col_to_name(i)).alias(f"_c{i}")
        for i, name in enumerate(frame.columns)
    ]
    return frame.with_columns(
        (pl.int_range(0, pl.len(), dtype=pl.Int64) + first_row + 1).cast(pl.String).alias("_rn")
    ).select(
        pl.concat_str([pl.lit('<row r="'), pl.col("_rn"), pl.lit('">'), *cells, pl.lit("</row>")])
    )


def write_xlsx(path: Path, frame: pl.DataFrame, sheet: str = "Sheet1") -> None:
    """One sheet: the header row, then every row; strings stay strings (IDs keep 'X' and zeros)."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties(PROPERTIES)
    worksheet = workbook.add_worksheet(sheet)
    worksheet.write_row(0, 0, frame.columns)
    if frame.height:
        worksheet._write_single_row(1)  # flush the header to the row-data file
        handle = cast(io.TextIOWrapper, worksheet.fh)
        handle.flush()
        raw = cast(BinaryIO, handle.buffer)
        for offset in range(0, frame.height, CHUNK):
            # the rows' UTF-8 bytes straight into the file, no Python strings in between
            _row_xml(frame.slice(offset, CHUNK), offset + 1).write_csv(
                raw, include_header=False, quote_style="never", line_terminator=""
            )
        raw.flush()
        worksheet.dim_rowmax = frame.height
        worksheet.previous_row = frame.height + 1
    workbook.close()


def write_xlsx_plain(path: Path, frame: pl.DataFrame, sheet: str = "Sheet1") -> None:
    """The same file through xlsxwriter's own cell writer (slow; for tests of ``write_xlsx``)."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties(PROPERTIES)
    worksheet = workbook.add_worksheet(sheet)
    worksheet.write_row(0, 0, frame.columns)
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, int):
                worksheet.write_number(r, c, value)
            else:
                worksheet.write_string(r, c, value)
    workbook.close()


def write_csv(path: Path, frame: pl.DataFrame, *, append: bool = False) -> None:
    """UTF-8 CSV with a header (only when the file is new); empty text is an empty field, as in .xlsx."""
    frame = frame.with_columns(pl.when(pl.col(pl.String) != "").then(pl.col(pl.String)).name.keep())
    if append and path.exists():
        with path.open("ab") as handle:
            frame.write_csv(handle, include_header=False)
    else:
        frame.write_csv(path)
