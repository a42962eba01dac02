"""Tables as official Excel sheets: a merged title row, a note row, headers with their units, frozen
panes, number formats, a totals row, a print area fitted to the page width. Text a spreadsheet would
run as a formula is written as text with a leading apostrophe, so no exported cell executes.

A ``Table`` says what to write; ``write_workbook`` writes one sheet per table to a path or a binary
stream. No Django here: callers pass translated labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, Literal

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

__all__ = ["Column", "Table", "safe_text", "write_workbook"]

Kind = Literal["text", "int", "decimal", "money", "percent"]
FORMATS = {
    "int": "#,##0",
    "decimal": "#,##0.00",
    "money": "#,##0.00",
    "percent": "0.0%",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind = "text"
    unit: str = ""  # shown in the header: 金额（万元）
    width: int = 12

    @property
    def header(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label


@dataclass
class Table:
    sheet: str
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    note: str = ""
    totals: Sequence[Any] | None = None  # a last row, in bold
    extra: list[tuple[str, str]] = field(default_factory=list)  # label, text lines under the table


def safe_text(value: str) -> str:
    """Text that could start a formula (=, +, -, @) keeps a leading apostrophe: shown, never run."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    return None


def _write_table(book: Any, table: Table, styles: dict[str, Any]) -> None:
    sheet = book.add_worksheet(table.sheet[:31])
    width = max(1, len(table.columns))
    last = xl_col_to_name(width - 1)
    sheet.merge_range(f"A1:{last}1", table.title, styles["title"])
    row = 1
    if table.note:
        sheet.merge_range(f"A2:{last}2", table.note, styles["note"])
        row = 2
    for j, column in enumerate(table.columns):
        sheet.write_string(row, j, column.header, styles["header"])
        sheet.set_column(j, j, column.width)
    sheet.freeze_panes(row + 1, 0)
    first_data = row + 1
    for values in table.rows:
        row += 1
        _write_row(sheet, row, table.columns, values, styles, bold=False)
    if table.totals is not None:
        row += 1
        _write_row(sheet, row, table.columns, table.totals, styles, bold=True)
    for label, text in table.extra:
        row += 2
        sheet.write_string(row, 0, label, styles["bold"])
        if width > 2:
            sheet.merge_range(row, 1, row, width - 1, safe_text(text), styles["wrap"])
        else:
            sheet.write_string(row, 1, safe_text(text), styles["wrap"])
    sheet.print_area(0, 0, row, width - 1)
    sheet.repeat_rows(first_data - 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_paper(9)  # A4


def _write_row(
    sheet: Any,
    row: int,
    columns: Sequence[Column],
    values: Sequence[Any],
    styles: dict[str, Any],
    *,
    bold: bool,
) -> None:
    for j, (column, value) in enumerate(zip(columns, values, strict=False)):
        suffix = "_bold" if bold else ""
        number = _number(value) if column.kind != "text" else None
        if number is not None:
            sheet.write_number(row, j, number, styles[column.kind + suffix])
        elif value is None or value == "":
            sheet.write_blank(row, j, None, styles["text" + suffix])
        else:
            sheet.write_string(row, j, safe_text(str(value)), styles["text" + suffix])


def write_workbook(target: str | IO[bytes], tables: Sequence[Table]) -> None:
    """One sheet per table, to a file path or a binary stream."""
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    if not isinstance(target, str):
        options["in_memory"] = True
    book = xlsxwriter.Workbook(target, options)
    book.set_properties({"title": tables[0].title if tables else "", "author": "Not One Less"})
    base = {"font_name": "SimSun", "font_size": 10, "border": 1}
    styles = {
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center"}),
        "note": book.add_format({"font_size": 9, "align": "left"}),
        "header": book.add_format({**base, "bold": True, "align": "center", "text_wrap": True}),
        "bold": book.add_format({"bold": True}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "text": book.add_format(base),
        "text_bold": book.add_format({**base, "bold": True}),
    }
    for kind, pattern in FORMATS.items():
        styles[kind] = book.add_format({**base, "num_format": pattern})
        styles[kind + "_bold"] = book.add_format({**base, "num_format": pattern, "bold": True})
    for table in tables:
        _write_table(book, table, styles)
    book.close()
