"""``retention report --month YYYY-MM [--json] [--xlsx FILE] [--strict]``: the monthly dropout-control
report (控辍保学月报) per township and stage, with its consistency checks against the student register and
the poverty register. Disagreements are printed; ``--strict`` makes them exit with status 1."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import xlsxwriter
from django.core.management.base import BaseCommand, CommandError

from notoneless.retention.report import COLUMNS, MonthlyReport, build, check

SHORT = {
    "school_age": "适龄",
    "enrolled": "在校",
    "home_taught": "送教",
    "deferred_exempted": "缓免",
    "studying_elsewhere": "异地",
    "not_in_school": "未在校",
    "suspected": "疑似",
    "dropouts": "辍学",
    "returned": "劝返",
    "still_out": "未返",
    "poor_school_age": "卡·适龄",
    "poor_suspected": "卡·疑似",
    "poor_dropouts": "卡·辍学",
    "poor_returned": "卡·劝返",
    "poor_still_out": "卡·未返",
}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="the monthly report per township and stage, checked against the registers (月报)",
    )
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="the month reported")
    p.add_argument("--json", action="store_true", help="print the whole report, checks included")
    p.add_argument("--xlsx", type=Path, metavar="FILE", help="also write the report as Excel")
    p.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a check disagrees"
    )
    p.set_defaults(run=run_report)


def run_report(command: BaseCommand, options: dict[str, Any]) -> None:
    report = build(month=options["month"])
    disagreements = check(report)
    if options["xlsx"]:
        write_xlsx(report, options["xlsx"])
    if options["json"]:
        command.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
    else:
        command.stdout.write(render_text(report))
        if options["xlsx"]:
            command.stdout.write(f"Excel: {options['xlsx']}")
    if disagreements and options["strict"]:
        raise CommandError(
            f"{len(disagreements)} 项核查不一致 ({len(disagreements)} consistency check(s) disagree)"
        )


# --- text --------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def render_text(report: MonthlyReport) -> str:
    county = report.county.get("name") or ""
    head = [
        f"{county} 控辍保学月报 {report.month}（截至 {report.end.isoformat()}，学期 {report.term or '—'}）",
        "",
    ]
    figures = list(COLUMNS)
    titles = ["乡镇", "学段", *[SHORT[f] for f in figures]]
    body = [
        [r["township"] or "", r["stage_label"] or "", *[str(r[f]) for f in figures]]
        for r in report.rows
    ]
    body += [["全县", t["stage_label"] or "", *[str(t[f]) for f in figures]] for t in report.totals]
    widths = [max(_width(row[i]) for row in [titles, *body]) for i in range(len(titles))]
    lines = [
        "  ".join(_pad(cell, widths[i], i >= 2) for i, cell in enumerate(row))
        for row in [titles, *body]
    ]
    lines.insert(1, "-" * _width(lines[0]))
    lines.insert(len(report.rows) + 2, "-" * _width(lines[0]))
    legend = "  ".join(f"{SHORT[f]}={COLUMNS[f]}" for f in figures)
    tail = ["", legend, "", *_checks_text(report)]
    return "\n".join(head + lines + tail)


def _checks_text(report: MonthlyReport) -> list[str]:
    checks = report.checks or []
    if not checks:
        return ["核查：与学籍库、建档立卡名册一致 (checks: no disagreement)"]
    out = [f"核查：{len(checks)} 项不一致 (checks: {len(checks)} disagreement(s))"]
    for d in checks:
        out.append(f"✗ {d.title_zh} ({d.title_en}): {len(d.rows)} 行/rows")
        out += [f"    {_row_text(row)}" for row in d.rows[:50]]
        if len(d.rows) > 50:
            out.append(f"    … {len(d.rows) - 50} more (see --json or --xlsx)")
    return out


def _row_text(row: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in row.items())


# --- Excel -------------------------------------------------------------------------------------


def write_xlsx(report: MonthlyReport, path: Path) -> None:
    """The sheet as a county sends it up: title, headers, rows per township and stage, the county
    totals, frozen headers; a second sheet with the checks and the rows behind each disagreement."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    county = report.county.get("name") or ""
    book.set_properties({"title": f"{county}控辍保学月报 {report.month}", "author": "notoneless"})
    formats = _formats(book)
    _report_sheet(book, report, county, formats)
    _checks_sheet(book, report, formats["header"], formats["cell"])
    book.close()


def _formats(book: Any) -> dict[str, Any]:
    """The cell formats of the workbook, by name."""
    title = book.add_format(
        {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter", "font_name": "宋体"}
    )
    note = book.add_format({"font_size": 10, "font_name": "宋体"})
    header = book.add_format(
        {
            "bold": True,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "bg_color": "#DDEBF7",
            "font_name": "宋体",
        }
    )
    cell = book.add_format({"border": 1, "font_name": "宋体"})
    number = book.add_format({"border": 1, "num_format": "0", "font_name": "宋体"})
    total = book.add_format({"border": 1, "bold": True, "bg_color": "#F2F2F2", "font_name": "宋体"})
    total_number = book.add_format(
        {"border": 1, "bold": True, "bg_color": "#F2F2F2", "num_format": "0", "font_name": "宋体"}
    )
    return {
        "title": title,
        "note": note,
        "header": header,
        "cell": cell,
        "number": number,
        "total": total,
        "total_number": total_number,
    }


def _report_sheet(book: Any, report: MonthlyReport, county: str, formats: dict[str, Any]) -> None:
    """The report sheet: title, headers, rows, county totals, the checks' summary, page setup."""
    sheet = book.add_worksheet("月报")
    figures = list(COLUMNS)
    last = 1 + len(figures)
    _write_heading(sheet, report, county, figures, formats)
    row = _write_figures(sheet, report, figures, formats)
    checks = report.checks or []
    sheet.write_string(
        row + 1,
        0,
        "核查：与学籍库、建档立卡名册一致"
        if not checks
        else f"核查：{len(checks)}项不一致，见“核查结果”表",
        formats["note"],
    )
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 6)
    sheet.set_column(2, last, 10)
    sheet.freeze_panes(3, 2)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(2)


def _write_heading(
    sheet: Any, report: MonthlyReport, county: str, figures: list[str], formats: dict[str, Any]
) -> None:
    """The title, the note under it (date, term, unit) and the column headers: rows 0 to 2."""
    last = 1 + len(figures)
    year, month = report.month.split("-")
    sheet.merge_range(
        0, 0, 0, last, f"{county}控辍保学月报（{year}年{int(month)}月）", formats["title"]
    )
    sheet.set_row(0, 30)
    sheet.merge_range(
        1,
        0,
        1,
        last,
        f"统计截止日期：{report.end.isoformat()}    学期：{report.term or '—'}"
        f"    填报单位：{county}教育和体育局    单位：人",
        formats["note"],
    )
    sheet.write_row(
        2, 0, ["乡镇（街道）", "学段", *[COLUMNS[f] for f in figures]], formats["header"]
    )
    sheet.set_row(2, 45)


def _write_figures(
    sheet: Any, report: MonthlyReport, figures: list[str], formats: dict[str, Any]
) -> int:
    """The rows per township and stage from row 3, then the county totals; returns the next row."""
    row = 3
    for r in report.rows:
        sheet.write_string(row, 0, r["township"] or "", formats["cell"])
        sheet.write_string(row, 1, r["stage_label"] or "", formats["cell"])
        for i, f in enumerate(figures):
            sheet.write_number(row, 2 + i, r[f], formats["number"])
        row += 1
    for t in report.totals:
        sheet.write_string(row, 0, "全县合计" if t["stage"] == "all" else "全县", formats["total"])
        sheet.write_string(row, 1, t["stage_label"] or "", formats["total"])
        for i, f in enumerate(figures):
            sheet.write_number(row, 2 + i, t[f], formats["total_number"])
        row += 1
    return row


def _checks_sheet(book: Any, report: MonthlyReport, header: Any, cell: Any) -> None:
    sheet = book.add_worksheet("核查结果")
    sheet.write_row(0, 0, ["核查项", "说明", "Check", "明细"], header)
    row = 1
    checks = report.checks or []
    if not checks:
        sheet.write_row(row, 0, ["全部", "与学籍库、建档立卡名册一致", "no disagreement", ""], cell)
    for d in checks:
        for detail in d.rows or [{}]:
            sheet.write_row(row, 0, [d.check, d.title_zh, d.title_en, _row_text(detail)], cell)
            row += 1
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 2, 50)
    sheet.set_column(3, 3, 80)
    sheet.freeze_panes(1, 0)
