"""What every care page shares: the signed-in account, the role check, the page frame."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from notoneless.accounts.models import User
from notoneless.care.access import may_read_care
from notoneless.web.nav import navigation

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "views behind login_required see a real account"
    return request.user


def care_page(view: View) -> View:
    """Login required and a role that reads care (403 for the aid officer)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_read_care(user_of(request)):
            raise PermissionDenied("no care pages for this role")
        return view(request, *args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]


def page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    user = user_of(request)
    frame = {"nav": navigation(user), "active": "care"}
    return render(request, template, {**frame, **context}, status=status)


def refusal(request: HttpRequest, form: Any) -> None:
    """Each invalid field as a message naming the field."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(request, f"{label}：{' '.join(str(e) for e in errors)}")
