"""What every publicity page shares: the signed-in account, the role check, the term, the page frame."""

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
from notoneless.outreach import selectors
from notoneless.outreach.access import may_read_outreach
from notoneless.registry.models import Term
from notoneless.web.nav import navigation

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "views behind login_required see a real account"
    return request.user


def outreach_page(view: View) -> View:
    """Login required and a role that reads publicity."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_read_outreach(user_of(request)):
            raise PermissionDenied("no publicity pages for this role")
        return view(request, *args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]


def term_of(request: HttpRequest) -> Term:
    """The term of ``?term=CODE`` (404 for an unknown one), or the current term."""
    return selectors.get_term(request.GET.get("term") or request.POST.get("term") or None)


def form_refusal(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    user = user_of(request)
    frame = {"nav": navigation(user), "active": "outreach", "terms": selectors.terms()}
    return render(request, template, {**frame, **context}, status=status)
