"""Pages of the minimal web app. Thin: parse input, call one selector or action, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from notoneless.accounts.models import User
from notoneless.registry import selectors
from notoneless.registry.reveal import may_reveal, reveal_id_number
from notoneless.web.forms import RevealForm, StudentSearchForm
from notoneless.web.nav import navigation


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "views behind login_required see a real account"
    return request.user


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    user = _user(request)
    context = {"nav": navigation(user), "may_reveal": may_reveal(user), **context}
    return render(request, template, context, status=status)


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    data = selectors.county_overview(_user(request))
    return _page(request, "web/overview.html", {"overview": data, "active": "overview"})


@require_GET
@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    term = selectors.current_term()
    schools = selectors.schools_for(_user(request), term=term)
    context = {"schools": schools, "term": term, "active": "schools"}
    return _page(request, "web/school_list.html", context)


@require_GET
@login_required
def school_detail(request: HttpRequest, school_id: int) -> HttpResponse:
    detail = selectors.school_detail(_user(request), school_id)
    return _page(request, "web/school_detail.html", {"detail": detail, "active": "schools"})


@require_GET
@login_required
def student_search(request: HttpRequest) -> HttpResponse:
    form = StudentSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = selectors.search_students(_user(request), query) if query else []
    context = {"form": form, "query": query, "results": results, "active": "students"}
    return _page(request, "web/student_search.html", context)


@require_GET
@login_required
def student_detail(request: HttpRequest, student_id: int) -> HttpResponse:
    student = selectors.get_student(_user(request), student_id)
    context = {"student": student, "reveal_form": RevealForm(), "active": "students"}
    return _page(request, "web/student_detail.html", context)


@never_cache
@require_POST
@login_required
def reveal_id_number_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Show a full ID number once, in this response only; the reveal is audited by the action."""
    user = _user(request)
    person = selectors.get_person(user, person_id)
    form = RevealForm(request.POST)
    context: dict[str, Any] = {"person": person, "form": form, "active": "students"}
    if not form.is_valid():
        return _page(request, "web/reveal.html", context, status=400)
    try:
        value = reveal_id_number(
            person_id=person.pk,
            acting_user=user,
            reason=form.cleaned_data["reason"],
            client=request.META.get("REMOTE_ADDR", ""),
        )
    except ValidationError as error:
        form.add_error("reason", error)
        return _page(request, "web/reveal.html", context, status=400)
    return _page(request, "web/reveal.html", {**context, "value": value})
