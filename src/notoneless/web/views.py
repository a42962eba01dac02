"""Pages of the minimal web app. Thin: parse input, call one selector or action, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notoneless.accounts.models import User
from notoneless.aid.views.access import may_read_aid
from notoneless.jobs.actions import enqueue
from notoneless.registry import selectors
from notoneless.registry.models import Division, Enrollment, School
from notoneless.registry.reveal import may_reveal, reveal_id_number
from notoneless.retention.access import may_read_retention
from notoneless.retention.attendance import student_attendance
from notoneless.web import dashboard, registers, uploads
from notoneless.web.forms import (
    ImportForm,
    RevealForm,
    SchoolListForm,
    StudentListForm,
    StudentSearchForm,
)
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
    """The dashboard at the place asked for (``?township=`` or ``?school=``, within scope), with the
    register counts below."""
    user = _user(request)
    place = dashboard.place_for(
        user, _int(request.GET.get("township")), _int(request.GET.get("school"))
    )
    context = {
        "overview": dashboard.cached(
            user,
            place,
            "registers",
            lambda: selectors.county_overview(dashboard.place_reader(user, place)),
        ),
        "board": dashboard.cached_board(user, place),
        "active": "overview",
    }
    return _page(request, "web/overview.html", context)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _schools(request: HttpRequest) -> tuple[SchoolListForm, QuerySet[School]]:
    user = _user(request)
    schools = selectors.schools_for(user, term=selectors.current_term())
    townships = Division.objects.filter(pk__in=schools.values("township_id")).order_by("code")
    form = SchoolListForm(request.GET, townships=townships)
    return form, form.filtered(schools)


@require_GET
@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    form, schools = _schools(request)
    context = {
        "form": form,
        "listing": registers.SCHOOLS.page(request, schools),
        "term": selectors.current_term(),
        "active": "schools",
    }
    return _page(request, "web/school_list.html", context)


@require_GET
@login_required
def school_export(request: HttpRequest) -> HttpResponse:
    _form, schools = _schools(request)
    return registers.SCHOOLS.export(request, schools, acting_user=_user(request))


@require_GET
@login_required
def school_detail(request: HttpRequest, school_id: int) -> HttpResponse:
    detail = selectors.school_detail(_user(request), school_id)
    return _page(request, "web/school_detail.html", {"detail": detail, "active": "schools"})


def _register(request: HttpRequest) -> tuple[StudentListForm, QuerySet[Enrollment]]:
    user = _user(request)
    term = selectors.current_term()
    schools = list(selectors.schools_for(user, term=term))
    form = StudentListForm(request.GET, schools=schools)
    return form, selectors.enrolments_for(user, term, **form.filters())


@require_GET
@login_required
def student_search(request: HttpRequest) -> HttpResponse:
    """A search by name or number when ``q`` is given; otherwise the register, filtered."""
    form = StudentSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context: dict[str, Any] = {"form": form, "query": query, "active": "students"}
    if query:
        context["results"] = selectors.search_students(_user(request), query)
    else:
        list_form, enrolments = _register(request)
        context["list_form"] = list_form
        context["listing"] = registers.STUDENTS.page(request, enrolments)
    return _page(request, "web/student_search.html", context)


@require_GET
@login_required
def student_export(request: HttpRequest) -> HttpResponse:
    _form, enrolments = _register(request)
    return registers.STUDENTS.export(request, enrolments, acting_user=_user(request))


@require_GET
@login_required
def student_detail(request: HttpRequest, student_id: int) -> HttpResponse:
    user = _user(request)
    student = selectors.get_student(user, student_id)
    latest = next(iter(student.enrollments.all()), None)  # prefetched, latest term first
    attendance = (
        student_attendance(student.pk, latest.term, school_id=latest.school_id)
        if latest is not None and may_read_retention(user)
        else None
    )
    context = {
        "student": student,
        "reveal_form": RevealForm(),
        "active": "students",
        "may_read_aid": may_read_aid(user),
        "attendance": attendance,
    }
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


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a register file; a background job imports it as ``notoneless import`` would and its page
    shows the outcome. County administrators only."""
    user = _user(request)
    uploads.check_may_import(user)
    context: dict[str, Any] = {"active": "imports", "limit": uploads.format_size_limit()}
    if request.method == "GET":
        form = ImportForm(initial={"term": uploads.default_term_code()})
        return _page(request, "web/import_form.html", {**context, "form": form})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, "web/import_form.html", {**context, "form": form}, status=400)
    data = form.cleaned_data
    path = uploads.save_upload(data["file"])
    job = enqueue(
        "import",
        {
            "path": str(path),
            "kind": data["kind"],
            "display": uploads.display_name(data["file"]),
            "term": data["term"] or "",
            "layout": data["layout"] or "",
            "dry_run": data["dry_run"],
            "partial": data["partial"],
            "client": request.META.get("REMOTE_ADDR", ""),
        },
        acting_user=user,
        client=request.META.get("REMOTE_ADDR", ""),
    )
    return redirect("job_detail", job_id=job.pk)


@never_cache
@require_GET
@login_required
def import_history(request: HttpRequest) -> HttpResponse:
    page = uploads.import_runs(_user(request), request.GET.get("page"))
    rows = [(run, uploads.workbook_for(run) is not None) for run in page]
    context = {"page": page, "rows": rows, "active": "imports"}
    return _page(request, "web/import_history.html", context)


@never_cache
@require_GET
@login_required
def import_workbook(request: HttpRequest, run_id: int) -> FileResponse:
    run = uploads.get_import_run(_user(request), run_id)
    path = uploads.workbook_for(run)
    if path is None:
        raise Http404("no workbook for this import")
    name = uploads.workbook_download_name(run)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
