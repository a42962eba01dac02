"""台账: one row per student, program and term, with amount, status, batch and paid date; as a page, CSV
or XLSX. Masked numbers only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from notoneless.aid import selectors
from notoneless.aid.models import Entitlement
from notoneless.aid.views import reads
from notoneless.aid.views.common import acting, aid_page, page
from notoneless.aid.views.forms import LedgerFilterForm

ROWS_PER_PAGE = 200
CHUNK = 2000


def _filtered(request: HttpRequest) -> tuple[LedgerFilterForm, QuerySet[Entitlement]]:
    form = LedgerFilterForm(request.GET, terms=reads.terms_with_roster())
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.ledger(
        acting(request), stage=data.get("stage") or None, term_code=data.get("term") or None
    )
    return form, rows


@require_GET
@aid_page
def ledger(request: HttpRequest) -> HttpResponse:
    form, entitlements = _filtered(request)
    rows = Paginator(entitlements, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": rows,
        "rows": list(reads.ledger_rows(rows, reads.all_program_names())),
        "query": query.urlencode(),
    }
    return page(request, "aid/ledger.html", context)


def _headers() -> list[str]:
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


def _values(row: reads.LedgerRow) -> list[Any]:
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
        Decimal(e.amount_fen) / 100,
        e.get_status_display(),
        row.batch,
        row.payment_status,
        row.paid_on.isoformat() if row.paid_on else "",
    ]


def _rows(request: HttpRequest) -> Iterator[list[Any]]:
    _form, entitlements = _filtered(request)
    names = reads.all_program_names()
    for row in reads.ledger_rows(entitlements.iterator(chunk_size=CHUNK), names):
        yield _values(row)


def _file_name(suffix: str) -> str:
    return f"aid-ledger-{timezone.localdate():%Y%m%d}.{suffix}"


def _cell(value: Any) -> Any:
    """Money with two decimals; text that a spreadsheet would run as a formula is quoted."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@aid_page
def ledger_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered ledger as UTF-8 CSV with a byte-order mark, so Excel reads the Chinese."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(_headers())
        for values in _rows(request):
            yield writer.writerow([_cell(v) for v in values])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name("csv")}"'
    return response


@require_GET
@aid_page
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet(_("Ledger")[:31])
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, _headers())
    for i, values in enumerate(_rows(request), start=1):
        for j, value in enumerate(values):
            if isinstance(value, Decimal):
                sheet.write_number(i, j, float(value), money)
            else:
                sheet.write(i, j, value)
    book.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name("xlsx")}"'
    return response
