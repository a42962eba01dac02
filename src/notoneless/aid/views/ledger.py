"""台账 pages: the ledger (``aid.ledger``) as a page, CSV or XLSX. Masked numbers only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from notoneless.aid import ledger as ledger_rows
from notoneless.aid import selectors
from notoneless.aid.models import Entitlement
from notoneless.aid.views import reads
from notoneless.aid.views.common import acting, aid_page, page
from notoneless.aid.views.forms import LedgerFilterForm
from notoneless.audit.actions import record_export
from notoneless.web.lists import filters_of

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
        "rows": list(ledger_rows.ledger_rows(rows, ledger_rows.all_program_names())),
        "query": query.urlencode(),
    }
    return page(request, "aid/ledger.html", context)


def _all_rows(request: HttpRequest) -> Iterator[ledger_rows.LedgerRow]:
    """Every row of the current filter; the export is recorded in the audit log first."""
    _form, entitlements = _filtered(request)
    record_export(
        "aid_ledger",
        acting_user=acting(request),
        rows=entitlements.count(),
        filters=filters_of(request),
        client=request.META.get("REMOTE_ADDR", ""),
    )
    names = ledger_rows.all_program_names()
    return ledger_rows.ledger_rows(entitlements.iterator(chunk_size=CHUNK), names)


def _file_name(suffix: str) -> str:
    return f"aid-ledger-{timezone.localdate():%Y%m%d}.{suffix}"


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@aid_page
def ledger_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered ledger as UTF-8 CSV with a byte-order mark, so Excel reads the Chinese."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(ledger_rows.headers())
        for row in _all_rows(request):
            yield writer.writerow([ledger_rows.cell(v) for v in ledger_rows.values(row)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name("csv")}"'
    return response


@require_GET
@aid_page
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    buffer = io.BytesIO()
    ledger_rows.write_xlsx(_all_rows(request), buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name("xlsx")}"'
    return response
