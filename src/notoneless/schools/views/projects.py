"""The project pages: the list with its filters and the totals per year (and as Excel), a project
created or edited by the county administrator, refused when someone saved it meanwhile."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from notoneless.registry.selectors import schools_for
from notoneless.schools import actions, selectors
from notoneless.schools.access import may_manage_schools
from notoneless.schools.exports import project_tables
from notoneless.schools.forms import ProjectFilterForm, ProjectForm
from notoneless.schools.models import Project
from notoneless.schools.projects import totals
from notoneless.schools.views.common import page, saved, schools_page, user_of, workbook

ROWS_PER_PAGE = 100


def _filtered(request: HttpRequest) -> tuple[ProjectFilterForm, QuerySet[Project]]:
    form = ProjectFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.projects_for(
        user_of(request),
        year=data.get("year"),
        kind=data.get("kind") or None,
        status=data.get("status") or None,
        query=data.get("q") or "",
    )
    return form, rows


@require_GET
@schools_page
def project_list(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "totals": totals(rows),
        "page": Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "may_manage": may_manage_schools(user_of(request)),
    }
    return page(request, "schools/projects.html", context)


@require_GET
@schools_page
def projects_xlsx(request: HttpRequest) -> HttpResponse:
    _form, rows = _filtered(request)
    projects = list(rows)
    return workbook(request, "projects", project_tables(projects, totals(projects)))


def _initial(project: Project | None) -> dict[str, object]:
    if project is None:
        return {"spent_yuan": 0}
    return {
        "version": project.version,
        "code": project.code,
        "name": project.name,
        "kind": project.kind,
        "school": project.school_id,
        "funding_source": project.funding_source,
        "year": project.year,
        "budget_yuan": project.budget_fen / 100,
        "spent_yuan": project.spent_fen / 100,
        "status": project.status,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "notes": project.notes,
    }


@require_http_methods(["GET", "POST"])
@schools_page
def edit_project(request: HttpRequest, project_id: int | None = None) -> HttpResponse:
    user = user_of(request)
    if not may_manage_schools(user):
        raise PermissionDenied("this role does not manage projects")
    project = selectors.get_project(user, project_id) if project_id else None
    form = ProjectForm(request.POST or None, initial=_initial(project), schools=schools_for(user))
    status = 200
    if request.method == "POST":
        project_saved, status = saved(
            request,
            form,
            lambda: actions.save_project(
                project=project,
                values=form.values(),
                version=form.cleaned_data["version"],
                acting_user=user,
            ),
        )
        if project_saved is not None:
            messages.success(request, _("Project saved."))
            return redirect("schools_project", project_id=project_saved.pk)
    return page(
        request, "schools/project_form.html", {"form": form, "project": project}, status=status
    )
