"""台账 (the ledger): one row per student, program and term, with amount, status, batch and paid date.
Shared by the ledger page, its CSV/XLSX downloads and ``aid ledger``. Masked numbers only."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from notoneless.aid import packs_store, selectors
from notoneless.aid.models import Entitlement, PaymentLine
from notoneless.aid.policy import DEFAULT_PACK, load_pack, pack_path
from notoneless.lib import money
from notoneless.lib.money import show_yuan


def all_program_names() -> dict[str, str]:
    """Names of every program of every pack loaded (later versions win), for pages across terms; the
    shipped pack's before any is loaded."""
    stored = list(selectors.packs())
    packs = [packs_store.load(p) for p in reversed(stored)] or [load_pack(pack_path(DEFAULT_PACK))]
    return {p.code: p.spec.name for pack in packs for p in pack.programs}


@dataclass(frozen=True)
class LedgerRow:
    entitlement: Entitlement
    program: str
    payment: PaymentLine | None

    @property
    def yuan(self) -> str:
        return show_yuan(self.entitlement.amount_fen)

    @property
    def batch(self) -> str:
        return self.payment.batch.number if self.payment else ""

    @property
    def paid_on(self) -> date | None:
        return self.payment.paid_on if self.payment else None

    @property
    def payment_status(self) -> str:
        return str(self.payment.get_status_display()) if self.payment else ""


_LINE_ORDER: dict[str, int] = {
    PaymentLine.Status.PAID: 0,
    PaymentLine.Status.PENDING: 1,
    PaymentLine.Status.FAILED: 2,
}


def payment_of(entitlement: Entitlement) -> PaymentLine | None:
    """The line that tells the entitlement's payment: the paid one, else the pending one, else the last
    failed one (from the prefetched lines)."""
    lines = list(entitlement.payments.all())
    if not lines:
        return None
    return min(lines, key=lambda line: (_LINE_ORDER.get(line.status, 3), -line.pk))


def ledger_rows(entitlements: Iterable[Entitlement], names: dict[str, str]) -> Iterator[LedgerRow]:
    for e in entitlements:
        yield LedgerRow(e, names.get(e.program, e.program), payment_of(e))


def headers() -> list[str]:
    return [
        _("Term"),
        _("School code"),
        _("School"),
        _("Name"),
        _("Student number (masked)"),
        _("Stage"),
        _("Grade"),
        _("Class"),
        _("Program"),
        _("Amount (yuan)"),
        _("Status"),
        _("Batch"),
        _("Payment"),
        _("Paid on"),
    ]


def values(row: LedgerRow) -> list[Any]:
    e = row.entitlement
    return [
        e.term.code,
        e.school.code,
        e.school.name,
        e.student.person.name,
        e.student.student_number_masked,
        e.get_stage_display(),
        e.grade,
        e.class_name,
        row.program,
        money.yuan(e.amount_fen),
        e.get_status_display(),
        row.batch,
        row.payment_status,
        row.paid_on.isoformat() if row.paid_on else "",
    ]


def cell(value: Any) -> Any:
    """Money with two decimals; text that a spreadsheet would run as a formula is quoted."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def write_xlsx(rows: Iterable[LedgerRow], target: IO[bytes] | str) -> int:
    """The ledger as a workbook (streamed row by row); returns the number of rows."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        target, {"in_memory": not isinstance(target, str), "constant_memory": True}
    )
    sheet = book.add_worksheet(_("Ledger")[:31])
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, headers())
    count = 0
    for count, row in enumerate(rows, start=1):
        for j, value in enumerate(values(row)):
            if isinstance(value, Decimal):
                sheet.write_number(count, j, float(value), money)
            else:
                sheet.write(count, j, cell(value))
    book.close()
    return count


def write_csv(rows: Iterable[LedgerRow], path: Path) -> int:
    """The ledger as UTF-8 CSV with a byte-order mark (Excel reads the Chinese); returns the rows."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers())
        for row in rows:
            writer.writerow([cell(v) for v in values(row)])
            count += 1
    return count
