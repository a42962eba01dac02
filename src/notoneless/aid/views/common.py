"""What every aid page shares: the acting user, rendering inside the web app's frame, the term of the URL,
money as 元 and 万元."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from notoneless.accounts.models import User
from notoneless.aid import selectors
from notoneless.aid.errors import AidRefused
from notoneless.aid.views import access
from notoneless.lib.money import show_wan, show_yuan
from notoneless.registry.models import Term
from notoneless.web.nav import navigation

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def acting(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "views behind login_required see a real account"
    return request.user


def aid_page(view: View) -> View:
    """Login required, and a role that reads aid (403 for the others). A refusal the view did not
    show in place is shown on a page of its own: never a server error."""
    return aid_page_for(access.may_read_aid)(view)


def aid_page_for(may: Callable[[Any], bool]) -> Callable[[View], View]:
    """``aid_page`` for pages that other roles use too: ``may(user)`` says who (403 for the others),
    e.g. teachers enter identifications, township officers print policy cards."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not may(acting(request)):
                raise PermissionDenied("no such aid page for this role")
            try:
                return view(request, *args, **kwargs)
            except AidRefused as refusal:
                return page(request, "aid/refused.html", {"error": str(refusal)}, status=400)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorate


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    user = acting(request)
    context = {
        "nav": navigation(user),
        "active": "aid",
        "may_run": access.may_run_aid(user),
        "may_read_county": access.may_read_county_aid(user),
        **context,
    }
    return render(request, template, context, status=status)


def term_or_404(code: str) -> Term:
    """The term of the URL: a term without a student roster is not found."""
    try:
        return selectors.get_term(code)
    except AidRefused:
        raise Http404("no such term") from None


def overview_url(term_code: str) -> str:
    return f"{reverse('aid_overview')}?{urlencode({'term': term_code})}"


yuan, wan = show_yuan, show_wan  # names the templates' helpers use
