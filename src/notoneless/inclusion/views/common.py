"""What every inclusion page shares: the signed-in account, the role check, the page frame."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from notoneless.accounts.models import User
from notoneless.inclusion.access import may_read_inclusion
from notoneless.web.nav import navigation

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "views behind login_required see a real account"
    return request.user


def inclusion_page(view: View) -> View:
    """Login required and a role that reads inclusion (403 for the aid officer)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_read_inclusion(user_of(request)):
            raise PermissionDenied("no inclusion pages for this role")
        return view(request, *args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]


def page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    frame = {"nav": navigation(user_of(request)), "active": "inclusion"}
    return render(request, template, {**frame, **context}, status=status)


def form_errors(request: HttpRequest, form: Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{' '.join(str(e) for e in errors)}")


def day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return default
