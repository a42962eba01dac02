"""Bank files of aid payments, their layouts held as data (``aid/layouts/*.toml``): the disbursement file
a batch is sent as (代发文件, Excel or CSV) and the return file the bank answers with (回盘文件).

No models here: the rows to write come in as ``FileRow``; a return file is read into ``ReturnRow``s and
checked against the ``SentRow``s of its batch, every problem located by file, row and column.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from notoneless.lib import money, parse
from notoneless.lib.protect import mask_card_number
from notoneless.lib.tables import TableError, read_table
from notoneless.registry.imports.spec import normalise_header

LAYOUTS_DIR = Path(__file__).resolve().parent / "layouts"
DEFAULT_LAYOUT = "bank-default"
FORMATS = ("xlsx", "csv")
SOURCES = frozenset(
    {
        "row_no",
        "holder_name",
        "holder_id",
        "card_number",
        "bank_name",
        "amount_yuan",
        "student_name",
        "school_name",
        "summary",
        "batch_number",
    }
)
RETURN_FIELDS = (
    "batch_number",
    "row_no",
    "card_number",
    "holder_name",
    "amount",
    "status",
    "reason",
    "paid_on",
)
RETURN_REQUIRED = ("row_no", "card_number", "amount", "status")
STATUSES = ("paid", "failed")
HEADER_SCAN_ROWS = 12
TOTAL_ROW = r"(?i)^\s*(合计|总计|小计|total)"
SHOWN_PROBLEMS = 20


class LayoutError(ValueError):
    """A layout file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class ExportColumn:
    title: str
    source: str
    number: bool = False


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    sheet: str
    csv_encoding: str
    columns: tuple[ExportColumn, ...]
    return_columns: dict[str, tuple[str, ...]]
    statuses: dict[str, str]


@cache
def load_layout(name: str = DEFAULT_LAYOUT) -> Layout:
    path = LAYOUTS_DIR / f"{name}.toml"
    if not path.is_file() or "/" in name or "\\" in name:
        raise LayoutError(f"no bank layout {name!r} (looked for {path.name} in aid/layouts)")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(f"{path.name}: not valid TOML: {exc}") from exc
    return parse_layout(raw, path.name)


def parse_layout(raw: dict[str, object], file_name: str) -> Layout:
    export = _table(raw, "export", file_name)
    back = _table(raw, "return", file_name)
    columns = []
    for i, entry in enumerate(_list(export.get("columns"), f"{file_name} [export] columns")):
        where = f"{file_name} [[export.columns]] {i + 1}"
        if not isinstance(entry, dict) or set(entry) - {"title", "source", "number"}:
            raise LayoutError(f"{where}: give title, source and optionally number")
        if entry.get("source") not in SOURCES:
            raise LayoutError(
                f"{where}: unknown source {entry.get('source')!r}; one of {sorted(SOURCES)}"
            )
        columns.append(
            ExportColumn(str(entry["title"]), entry["source"], bool(entry.get("number", False)))
        )
    if not columns:
        raise LayoutError(f"{file_name}: [export] lists no columns")
    return Layout(
        name=str(raw.get("name", file_name.removesuffix(".toml"))),
        description=str(raw.get("description", "")),
        sheet=str(export.get("sheet", "Sheet1")),
        csv_encoding=_encoding(export.get("csv_encoding", "utf-8-sig"), file_name),
        columns=tuple(columns),
        return_columns=_return_columns(_table(back, "columns", file_name), file_name),
        statuses=_statuses(_table(back, "status", file_name), file_name),
    )


def _table(raw: dict[str, object], key: str, file_name: str) -> dict[str, object]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise LayoutError(f"{file_name}: a [{key}] table is needed")
    return value


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise LayoutError(f"{where}: expected a list")
    return value


def _encoding(value: object, file_name: str) -> str:
    try:
        "".encode(str(value))
    except LookupError:
        raise LayoutError(f"{file_name}: unknown csv_encoding {value!r}") from None
    return str(value)


def _return_columns(raw: dict[str, object], file_name: str) -> dict[str, tuple[str, ...]]:
    unknown = set(raw) - set(RETURN_FIELDS)
    if unknown:
        raise LayoutError(f"{file_name} [return.columns]: unknown fields {sorted(unknown)}")
    missing = [f for f in RETURN_REQUIRED if f not in raw]
    if missing:
        raise LayoutError(f"{file_name} [return.columns]: give header texts for {missing}")
    return {
        name: tuple(str(t) for t in _list(titles, f"{file_name} [return.columns] {name}"))
        for name, titles in raw.items()
    }


def _statuses(raw: dict[str, object], file_name: str) -> dict[str, str]:
    bad = {word: meaning for word, meaning in raw.items() if meaning not in STATUSES}
    if bad or not raw:
        raise LayoutError(f"{file_name} [return.status]: map each word to paid or failed")
    return {_word(word): str(meaning) for word, meaning in raw.items()}


def _word(text: str) -> str:
    return normalise_header(text)


# --- the disbursement file -------------------------------------------------------------------------


@dataclass(frozen=True)
class FileRow:
    """One row of the bank file: a family's line, or a school's lines added up. ``holder_id`` and
    ``card_number`` are full values only when rendering; elsewhere they are blank."""

    row_no: int
    holder_name: str
    bank_name: str
    amount_fen: int
    card_hash: str
    line_ids: tuple[int, ...]
    settled: bool
    student_name: str = ""
    school_name: str = ""
    summary: str = ""
    holder_id: str = ""
    card_number: str = ""


yuan = money.yuan


def _value(row: FileRow, source: str, batch_number: str) -> str | int:
    if source == "row_no":
        return row.row_no
    if source == "amount_yuan":
        return str(yuan(row.amount_fen))
    if source == "batch_number":
        return batch_number
    return str(getattr(row, source))


def render(
    layout: Layout, rows: Iterable[FileRow], *, fmt: str, batch_number: str, created: datetime
) -> bytes:
    """The file's bytes: the same rows, layout and ``created`` give the same bytes (re-download)."""
    if fmt == "csv":
        return _render_csv(layout, rows, batch_number)
    if fmt == "xlsx":
        return _render_xlsx(layout, rows, batch_number, created)
    raise ValueError(f"unknown format {fmt!r}")


def _render_csv(layout: Layout, rows: Iterable[FileRow], batch_number: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.title for c in layout.columns])
    for row in rows:
        writer.writerow([_value(row, c.source, batch_number) for c in layout.columns])
    return out.getvalue().encode(layout.csv_encoding)


def _render_xlsx(
    layout: Layout, rows: Iterable[FileRow], batch_number: str, created: datetime
) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # a fixed creation time (the batch's first export) makes a re-download byte-identical
    book.set_properties({"created": created.replace(tzinfo=None), "title": batch_number})
    sheet = book.add_worksheet(layout.sheet)
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    money = book.add_format({"num_format": "0.00"})
    for col, column in enumerate(layout.columns):
        sheet.write_string(0, col, column.title, bold)
        sheet.set_column(col, col, max(10, 2 * len(column.title) + 2), text)
    for r, row in enumerate(rows, start=1):
        for col, column in enumerate(layout.columns):
            value = _value(row, column.source, batch_number)
            if column.number and column.source == "amount_yuan":
                # only at the writer: an Excel number cell is a binary float by the file format
                sheet.write_number(r, col, float(yuan(row.amount_fen)), money)
            elif isinstance(value, int):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, value, text)
    book.close()
    return buffer.getvalue()


# --- the return file -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int | None  # spreadsheet row number, None for the whole file
    column: str  # the column's header as written in the file, or ""
    message: str

    def located(self, file_name: str) -> str:
        if self.row is None:
            return f"{file_name}: {self.message}"
        return _("%(file)s, row %(row)d, column %(column)s: %(message)s") % {
            "file": file_name,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class ReturnRow:
    row: int
    row_no: int
    card_number: str
    amount_fen: int
    status: str
    batch_number: str | None = None
    reason: str = ""
    paid_on: date | None = None


@dataclass
class ReturnFile:
    name: str
    titles: dict[str, str]
    rows: list[ReturnRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def title(self, name: str) -> str:
        return self.titles.get(name, name)


def read_return(path: Path, layout: Layout, display_name: str | None = None) -> ReturnFile:
    """Every row of the bank's return file, typed; unreadable cells become located problems."""
    name = display_name or path.name
    try:
        raw = read_table(path, name).frame
    except TableError as exc:
        return ReturnFile(name, {}, problems=[Problem(None, "", str(exc))])
    header, columns, titles = _match_header(raw, layout)
    found = ReturnFile(name, titles)
    missing = [layout.return_columns[f][0] for f in RETURN_REQUIRED if f not in columns]
    if missing:
        found.problems.append(
            Problem(
                None,
                "",
                _("no column %(columns)s in the header (row %(row)d)")
                % {"columns": "、".join(missing), "row": header + 1},
            )
        )
        return found
    body = raw.slice(header + 1).with_row_index("_row", offset=header + 2)
    body = body.select(
        pl.col("_row").cast(pl.Int64), *(pl.col(c).alias(f) for f, c in columns.items())
    )
    body = body.filter(pl.any_horizontal(pl.col(f).is_not_null() for f in columns))
    # a total row at the foot (合计 …) answers no line
    body = body.filter(~pl.col("row_no").str.contains(TOTAL_ROW).fill_null(False))
    if body.height == 0:
        found.problems.append(Problem(None, "", _("the file has no rows below its header")))
        return found
    for record in _typed(body, layout).iter_rows(named=True):
        _read_row(record, found)
    return found


def _match_header(raw: pl.DataFrame, layout: Layout) -> tuple[int, dict[str, str], dict[str, str]]:
    """(header row index, field -> column id, field -> header text): the row naming most fields."""
    index = {_word(t): f for f, titles in layout.return_columns.items() for t in titles}
    best, hits = 0, -1
    for i in range(min(HEADER_SCAN_ROWS, raw.height)):
        n = sum(1 for v in raw.row(i) if v is not None and _word(v) in index)
        if n > hits:
            best, hits = i, n
    columns: dict[str, str] = {}
    titles: dict[str, str] = {}
    for column_id, text in zip(raw.columns, raw.row(best) if raw.height else (), strict=False):
        field_name = index.get(_word(text)) if text is not None else None
        if field_name and field_name not in columns:
            columns[field_name], titles[field_name] = column_id, text
    return best, columns, titles


def _typed(body: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """Each field parsed next to its text (``<field>_text``), null where unreadable."""
    out = body.with_columns(pl.col(c).alias(f"{c}_text") for c in body.columns if c != "_row")
    for f in RETURN_FIELDS:
        if f not in out.columns:
            out = out.with_columns(
                pl.lit(None, dtype=pl.String).alias(f),
                pl.lit(None, dtype=pl.String).alias(f"{f}_text"),
            )
    card = parse.to_ascii_digits(out["card_number"]).str.replace_all(r"[\s\-]", "")
    words = {v: layout.statuses.get(_word(v)) for v in out["status"].drop_nulls().unique()}
    status = out["status"].replace_strict(words, default=None, return_dtype=pl.String)
    return out.with_columns(
        parse.parse_int(parse.to_ascii_digits(out["row_no"])).alias("row_no"),
        parse.parse_yuan_to_fen(parse.to_ascii_digits(out["amount"])).alias("amount"),
        pl.when(card.str.contains(r"^\d{8,32}$")).then(card).otherwise(None).alias("card_number"),
        status.alias("status"),
        parse.parse_dates(out["paid_on"]).alias("paid_on"),
    )


def _read_row(r: dict[str, object], found: ReturnFile) -> None:
    row = int(r["_row"])  # type: ignore[call-overload]
    bad = False
    for f, message in (
        ("row_no", _("not a line number: %(value)s")),
        ("card_number", _("not a card or account number: %(value)s")),
        ("amount", _("not an amount in yuan: %(value)s")),
        ("status", _("unreadable status %(value)s: not a word the layout knows as paid or failed")),
    ):
        if r[f] is None:
            text = r[f"{f}_text"]
            shown = _("(empty)") if text is None else str(text)
            if f == "card_number" and text is not None:  # never a card number in a message
                shown = mask_card_number(shown)
            found.problems.append(Problem(row, found.title(f), message % {"value": shown}))
            bad = True
    if r["status"] == "paid" and r["paid_on"] is None:
        date_text = r["paid_on_text"]
        found.problems.append(
            Problem(
                row,
                found.title("paid_on"),
                _("not a date: %(value)s")
                % {"value": _("(empty)") if date_text is None else str(date_text)},
            )
        )
        bad = True
    if bad:
        return
    found.rows.append(
        ReturnRow(
            row=row,
            row_no=int(r["row_no"]),  # type: ignore[call-overload]
            card_number=str(r["card_number"]),
            amount_fen=int(r["amount"]),  # type: ignore[call-overload]
            status=str(r["status"]),
            batch_number=None if r["batch_number"] is None else str(r["batch_number"]),
            reason=str(r["reason"] or ""),
            paid_on=r["paid_on"] if isinstance(r["paid_on"], date) else None,
        )
    )


def check_return(
    found: ReturnFile,
    sent: dict[int, FileRow],
    batch_number: str,
    card_hash: Callable[[str], str],
) -> list[Problem]:
    """Every way the file disagrees with what was sent: another batch, a line the batch does not have,
    a line twice, a line already settled, a card or amount other than sent."""
    problems = list(found.problems)
    batch_column = "batch_number" in found.titles
    seen: dict[int, int] = {}
    for r in found.rows:
        problems.extend(_check_row(r, found, sent, batch_number, card_hash, batch_column, seen))
    return problems


def _check_row(
    r: ReturnRow,
    found: ReturnFile,
    sent: dict[int, FileRow],
    batch_number: str,
    card_hash: Callable[[str], str],
    batch_column: bool,
    seen: dict[int, int],
) -> list[Problem]:
    out = []
    if batch_column and (r.batch_number or "").strip() != batch_number:
        out.append(
            Problem(
                r.row,
                found.title("batch_number"),
                _("different batch: %(found)s, not %(batch)s")
                % {"found": r.batch_number or _("(empty)"), "batch": batch_number},
            )
        )
    expected = sent.get(r.row_no)
    title = found.title("row_no")
    if expected is None:
        return [
            *out,
            Problem(
                r.row,
                title,
                _("unknown line %(n)d: not in batch %(batch)s")
                % {"n": r.row_no, "batch": batch_number},
            ),
        ]
    if r.row_no in seen:
        out.append(
            Problem(
                r.row,
                title,
                _("line %(n)d appears twice (also row %(other)d)")
                % {"n": r.row_no, "other": seen[r.row_no]},
            )
        )
    seen.setdefault(r.row_no, r.row)
    if expected.settled:
        out.append(Problem(r.row, title, _("line %(n)d is already reconciled") % {"n": r.row_no}))
    if card_hash(r.card_number) != expected.card_hash:
        out.append(
            Problem(
                r.row,
                found.title("card_number"),
                _("changed card number: line %(n)d was sent to another card") % {"n": r.row_no},
            )
        )
    if r.amount_fen != expected.amount_fen:
        out.append(
            Problem(
                r.row,
                found.title("amount"),
                _("changed amount: the file says %(found)s, line %(n)d was sent %(sent)s")
                % {"found": yuan(r.amount_fen), "n": r.row_no, "sent": yuan(expected.amount_fen)},
            )
        )
    return out


def describe(problems: list[Problem], file_name: str) -> str:
    shown = [p.located(file_name) for p in problems[:SHOWN_PROBLEMS]]
    more = len(problems) - len(shown)
    if more:
        shown.append(_("… and %(n)d more problems") % {"n": more})
    return "\n".join(shown)
