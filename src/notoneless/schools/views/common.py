"""What every schools page shares: the signed-in account, the role check, the page frame, the year
asked for, an Excel download."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from notoneless.accounts.models import User
from notoneless.audit.actions import record_export
from notoneless.lib.sheets import Table, write_workbook
from notoneless.schools.access import may_read_schools
from notoneless.schools.actions import StaleRecord
from notoneless.schools.errors import SchoolsRefused
from notoneless.web.lists import filters_of
from notoneless.web.nav import navigation

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
T = TypeVar("T")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_YEAR = 2020


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "views behind login_required see a real account"
    return request.user


def schools_page(view: View) -> View:
    """Login required and a role that reads the schools pages (403 for the aid officer)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_read_schools(user_of(request)):
            raise PermissionDenied("no school-balance pages for this role")
        return view(request, *args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]


def page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    frame = {"nav": navigation(user_of(request)), "active": "schools_balance"}
    return render(request, template, {**frame, **context}, status=status)


def saved(request: HttpRequest, form: Any, save: Callable[[], T]) -> tuple[T | None, int]:
    """A POSTed form through its action: (what the action returned, 200) when saved; (None, 400) for
    invalid input or a refusal, (None, 409) for a stale form; the refusal shown as a message. Every
    invalid field keeps its error next to it."""
    if not form.is_valid():
        return None, 400
    try:
        return save(), 200
    except SchoolsRefused as refused:
        messages.error(request, str(refused))
        return None, 409 if isinstance(refused, StaleRecord) else 400


def year_of(request: HttpRequest, latest: int | None = None) -> int:
    """The statistical year asked for (``?year=``), else the latest with conditions, else 2020."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return latest or DEFAULT_YEAR
    return year if 2000 <= year <= 2100 else (latest or DEFAULT_YEAR)


def workbook(
    request: HttpRequest, report: str, tables: list[Table], *, edition: str = ""
) -> HttpResponse:
    """The tables as an Excel download, audited as ``export.<report>``; ``edition`` (a year, a term,
    a plan) goes into the file's name."""
    buffer = io.BytesIO()
    write_workbook(buffer, tables)
    record_export(
        report,
        acting_user=user_of(request),
        rows=sum(len(t.rows) for t in tables),
        filters=filters_of(request),
        client=request.META.get("REMOTE_ADDR", ""),
    )
    name = f"{report}-{edition}" if edition else report
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response
