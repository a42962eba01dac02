"""Registers and ledgers as lists: the page and its Excel export from one declaration.

A ``Listing`` names its columns; each column gives the cell for the page and the export alike (masked
values only: a list never decrypts), and may name the field it sorts by. A view filters the rows in
the user's scope as it always does, then hands the query set to ``listing.page`` (sorted by
``?sort=``, paginated) or ``listing.export`` (every row of the current filter as an official sheet,
recorded in the audit log with the filter and the number of rows)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.functional import Promise

from notoneless.audit.actions import record_export
from notoneless.lib import sheets

__all__ = ["Cell", "Column", "ListPage", "Listing", "export_response", "filters_of"]

EXPORT_ROWS_MAX = 200_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    cell: Callable[[Any], Any]
    order: str | None = None  # the field (or annotation) it sorts by; None: not sortable
    kind: sheets.Kind = "text"
    width: int = 14
    link: Callable[[Any], str] | None = None  # on the page, the cell links there


@dataclass
class Cell:
    label: str | Promise
    value: Any
    url: str
    numeric: bool = False


@dataclass
class Header:
    column: Column
    url: str  # the link that sorts by this column ("" when it does not sort)
    direction: str  # "ascending", "descending" or "" (the aria-sort value)


@dataclass
class ListPage:
    listing: Listing
    page: Page
    headers: list[Header]
    query: str  # the filters and the sort without the page number, for page and export links

    @property
    def table(self) -> list[list[Cell]]:
        """The page's rows as cells, for ``web/_list_table.html``."""
        columns = self.listing.columns
        return [
            [
                Cell(c.label, _plain(c.cell(row)), c.link(row) if c.link else "", c.kind != "text")
                for c in columns
            ]
            for row in self.page.object_list
        ]


@dataclass
class Listing:
    name: str  # in the audit log and the export's file name
    title: str | Promise
    columns: Sequence[Column]
    default_order: Sequence[str]
    per_page: int = 50

    def _sort(self, request: HttpRequest) -> tuple[Column | None, bool]:
        asked = request.GET.get("sort", "")
        descending = asked.startswith("-")
        for column in self.columns:
            if column.order and column.key == asked.lstrip("-"):
                return column, descending
        return None, False

    def ordered(self, request: HttpRequest, rows: QuerySet[Any] | Sequence[Any]) -> Any:
        """The rows in the asked order: by the database for a query set, in memory for a list
        (rows a selector has already assembled)."""
        column, descending = self._sort(request)
        if not isinstance(rows, QuerySet):
            if column is None:
                return list(rows)
            keyed = [(column.cell(r), r) for r in rows]
            present = [pair for pair in keyed if pair[0] not in (None, "")]
            present.sort(key=lambda pair: pair[0], reverse=descending)
            return [r for _key, r in present] + [r for key, r in keyed if key in (None, "")]
        if column is None or column.order is None:
            return rows.order_by(*self.default_order)
        field = F(column.order)
        first = field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
        return rows.order_by(first, "pk")

    def _headers(self, request: HttpRequest) -> list[Header]:
        current, descending = self._sort(request)
        headers = []
        for column in self.columns:
            if not column.order:
                headers.append(Header(column, "", ""))
                continue
            query = _without(request.GET, "page", "sort")
            ascending_now = column is current and not descending
            query["sort"] = f"-{column.key}" if ascending_now else column.key
            direction = ""
            if column is current:
                direction = "descending" if descending else "ascending"
            headers.append(Header(column, f"?{query.urlencode()}", direction))
        return headers

    def page(self, request: HttpRequest, rows: QuerySet[Any] | Sequence[Any]) -> ListPage:
        ordered = self.ordered(request, rows)
        found = Paginator(ordered, self.per_page).get_page(request.GET.get("page"))
        return ListPage(
            listing=self,
            page=found,
            headers=self._headers(request),
            query=_without(request.GET, "page").urlencode(),
        )

    def cells(self, row: Any) -> list[Any]:
        return [_plain(column.cell(row)) for column in self.columns]

    def export(
        self, request: HttpRequest, rows: QuerySet[Any] | Sequence[Any], *, acting_user: Any
    ) -> HttpResponse:
        ordered = self.ordered(request, rows)[:EXPORT_ROWS_MAX]
        each = ordered.iterator(2000) if isinstance(ordered, QuerySet) else ordered
        table_rows = (self.cells(row) for row in each)
        filters = filters_of(request)
        return export_response(
            request,
            name=self.name,
            title=str(self.title),
            columns=[sheets.Column(str(c.label), kind=c.kind, width=c.width) for c in self.columns],
            rows=table_rows,
            filters=filters,
            acting_user=acting_user,
        )


def export_response(
    request: HttpRequest,
    *,
    name: str,
    title: str,
    columns: Sequence[sheets.Column],
    rows: Iterable[Sequence[Any]],
    filters: dict[str, str],
    acting_user: Any,
) -> HttpResponse:
    """An official sheet of ``rows`` as a download, the export recorded in the audit log."""
    written = list(rows)
    note = "；".join(f"{key}={value}" for key, value in sorted(filters.items()))
    buffer = io.BytesIO()
    sheets.write_workbook(
        buffer,
        [sheets.Table(sheet=title[:31], title=title, columns=columns, rows=written, note=note)],
    )
    record_export(
        name,
        acting_user=acting_user,
        rows=len(written),
        filters=filters,
        client=request.META.get("REMOTE_ADDR", ""),
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def filters_of(request: HttpRequest) -> dict[str, str]:
    """The filters (and sort) of a list's page as the audit log records them."""
    return {k: str(v) for k, v in _without(request.GET, "page").items() if v}


def _without(query: QueryDict, *names: str) -> QueryDict:
    copy = query.copy()
    for name in names:
        copy.pop(name, None)
    return copy


def _plain(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    return "" if value is None else value
