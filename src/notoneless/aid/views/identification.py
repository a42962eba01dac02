"""资助认定 pages: the identifications of a term with their step and grade; the school's forms for each
step (apply, class review, grade, post) and its public posting; for the county aid office, confirming what
the schools posted and running the automatic grades; the history of one identification.

The reason of an application (and the notes of its steps) is private: shown only on one identification's
history, only to the school roles and the county aid office; never on a list, never on the posting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from notoneless.accounts.models import SCHOOL_ROLES, Role
from notoneless.aid import identification as actions
from notoneless.aid.errors import AidRefused
from notoneless.aid.models import Identification
from notoneless.aid.views import access, reads
from notoneless.aid.views.common import acting, aid_page_for, page, term_or_404
from notoneless.registry.choices import HardshipGrade
from notoneless.registry.models import School, Term
from notoneless.registry.selectors import current_term, get_school, get_student, search_students

Step = Identification.Step
Source = Identification.Source
ROWS_PER_PAGE = 200
SEARCH_LIMIT = 20
# the form's word for the grade "" (不认定): an empty value would read as a field left empty
NOT_IDENTIFIED = "none"
GRADES = [
    (HardshipGrade.SPECIAL.value, HardshipGrade.SPECIAL.label),
    (HardshipGrade.DIFFICULT.value, HardshipGrade.DIFFICULT.label),
    (HardshipGrade.GENERAL.value, HardshipGrade.GENERAL.label),
    (NOT_IDENTIFIED, HardshipGrade.NONE.label),
]

# --- who -----------------------------------------------------------------------------------------


def may_use(user: Any) -> bool:
    """The roles that read aid, and teachers: they enter applications and the class review."""
    teacher = user.is_authenticated and user.is_active and user.role == Role.TEACHER
    return access.may_read_aid(user) or teacher


def _school_role(user: Any) -> bool:
    return user.role in SCHOOL_ROLES


def _officer(user: Any) -> bool:
    return user.role == Role.SCHOOL_OFFICER


def may_see_reason(user: Any) -> bool:
    """The school roles (of the identification's school: the page is scoped) and the county aid office;
    not auditors."""
    return _school_role(user) or access.may_run_aid(user)


identification_page = aid_page_for(may_use)


def _status(may: bool) -> int:
    """A refusal to a role that may take the step is about the request (400), else about the role."""
    return 400 if may else 403


# --- forms ---------------------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Student number or name"), max_length=40, required=False)


class ApplyForm(forms.Form):
    student = forms.IntegerField(min_value=1)
    reason = forms.CharField(
        label=gettext_lazy("Reason (private: never posted)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposed = forms.BooleanField(
        label=gettext_lazy("Proposed by the school (the family did not apply)"), required=False
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("return", "return")])
    note = forms.CharField(max_length=500, required=False)


class GradeForm(forms.Form):
    grade = forms.ChoiceField(choices=GRADES)
    note = forms.CharField(max_length=500, required=False)


class RejectForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why the student is not identified"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SchoolForm(forms.Form):
    school = forms.IntegerField(min_value=1)


# --- the term's identifications ------------------------------------------------------------------


def _term(school_year: int, season: str) -> Term:
    return term_or_404(f"{school_year}-{season}")


def _term_url(school_year: int, season: str) -> str:
    return reverse("aid_identification", args=[school_year, season])


@require_GET
@identification_page
def current(request: HttpRequest) -> HttpResponse:
    """The identifications of the current term (the navigation's link)."""
    term = current_term()
    if term is None:
        raise Http404("no term yet")
    return redirect(_term_url(term.school_year, term.season))


@require_GET
@identification_page
def identifications(request: HttpRequest, school_year: int, season: str) -> HttpResponse:
    return _identifications(request, school_year, season)


def _identifications(
    request: HttpRequest,
    school_year: int,
    season: str,
    *,
    error: str = "",
    apply_form: ApplyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The list (a page at a time, filtered by step or school), the step forms the role may use, and
    ``error``, a refusal to show above them."""
    user = acting(request)
    term = _term(school_year, season)
    step = request.GET.get("step") if request.GET.get("step") in Step.values else None
    school = _chosen_school(user, request.GET.get("school"))
    scope = actions.identifications_for(user, school_year=school_year, season=season)
    found = actions.identifications_for(
        user, school_year=school_year, season=season, school=school, step=step
    )
    rows = Paginator(found, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    search = SearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    applying = _school_role(user) or access.may_run_aid(user)
    context: dict[str, Any] = {
        "term": term,
        "school_year": school_year,
        "season": season,
        "page": rows,
        "steps": Step.choices,
        "step": step or "",
        "school": school,
        "page_query": urlencode(
            {k: v for k, v in (("school", school and school.pk), ("step", step)) if v}
        ),
        "query": query,
        "error": error,
        "may_read_aid": access.may_read_aid(user),
        "may_review": _school_role(user),
        "may_grade": _officer(user),
        "may_confirm": access.may_run_aid(user),
        "grades": GRADES,
        "search": search if applying else None,
        "found": search_students(user, query, SEARCH_LIMIT) if applying and query else [],
        "apply_form": (apply_form or ApplyForm()) if applying else None,
        "to_post": _by_school(scope.filter(step=Step.GRADED)) if _officer(user) else [],
        "to_confirm": _by_school(scope.filter(step=Step.POSTED))
        if access.may_run_aid(user)
        else [],
    }
    return page(request, "aid/identification.html", context, status=status)


def _chosen_school(user: Any, value: str | None) -> School | None:
    if not value or not value.isdigit():
        return None
    return get_school(user, int(value))


def _by_school(found: QuerySet[Identification]) -> list[tuple[School, int]]:
    """The schools of ``found`` identifications, with how many each, by school code."""
    counts = dict(found.order_by().values_list("school_id").annotate(n=Count("id")))
    schools = reads.schools_by_id(counts)
    return [
        (schools[pk], n)
        for pk, n in sorted(counts.items(), key=lambda i: schools[i[0]].code)
        if pk in schools
    ]


@require_POST
@identification_page
def apply(request: HttpRequest, school_year: int, season: str) -> HttpResponse:
    """The school enters a student's application (or proposes the student) with its reason."""
    user = acting(request)
    _term(school_year, season)
    form = ApplyForm(request.POST)
    may = _school_role(user) or access.may_run_aid(user)
    if not form.is_valid():
        status = 400 if may else 403
        return _identifications(request, school_year, season, apply_form=form, status=status)
    student = get_student(user, form.cleaned_data["student"])
    try:
        actions.apply(
            student=student,
            school_year=school_year,
            season=season,
            reason=form.cleaned_data["reason"],
            proposed=form.cleaned_data["proposed"],
            acting_user=user,
        )
    except AidRefused as refusal:
        return _identifications(
            request,
            school_year,
            season,
            error=str(refusal),
            apply_form=form,
            status=_status(may),
        )
    messages.success(request, _("%(name)s's application is recorded.") % {"name": _name(student)})
    return redirect(_term_url(school_year, season))


def _name(student: Any) -> str:
    return str(student.person.name)


@require_POST
@identification_page
def post(request: HttpRequest, school_year: int, season: str) -> HttpResponse:
    """The school posts (公示) every graded identification of one of its schools."""
    user = acting(request)
    _term(school_year, season)
    form = SchoolForm(request.POST)
    school_id = form.cleaned_data["school"] if form.is_valid() else user.school_id
    if school_id is None:
        raise Http404("no school")
    school = get_school(user, school_id)
    try:
        n = actions.post(school=school, school_year=school_year, season=season, acting_user=user)
    except AidRefused as refusal:
        return _identifications(
            request, school_year, season, error=str(refusal), status=_status(_officer(user))
        )
    messages.success(
        request,
        _("%(n)d identifications of %(school)s posted: post the notice at the school.")
        % {"n": n, "school": school.name},
    )
    return redirect(_term_url(school_year, season))


@require_POST
@identification_page
def confirm(request: HttpRequest, school_year: int, season: str, school_id: int) -> HttpResponse:
    """The county confirms every posted identification of one school."""
    user = acting(request)
    _term(school_year, season)
    school = get_school(user, school_id)
    posted = list(
        actions.identifications_for(
            user, school_year=school_year, season=season, school=school, step=Step.POSTED
        )
    )
    try:
        n = actions.confirm(identifications=posted, acting_user=user)
    except AidRefused as refusal:
        status = _status(access.may_run_aid(user))
        return _identifications(request, school_year, season, error=str(refusal), status=status)
    messages.success(
        request,
        _("%(n)d identifications of %(school)s confirmed.") % {"n": n, "school": school.name},
    )
    return redirect(_term_url(school_year, season))


@require_POST
@identification_page
def automatic(request: HttpRequest, school_year: int, season: str) -> HttpResponse:
    """Grade the students of a hardship group automatically (应助尽助), county-wide."""
    user = acting(request)
    _term(school_year, season)
    try:
        outcome = actions.record_automatic(school_year=school_year, season=season, acting_user=user)
    except AidRefused as refusal:
        status = _status(access.may_run_aid(user))
        return _identifications(request, school_year, season, error=str(refusal), status=status)
    messages.success(
        request,
        _(
            "Automatic grades: %(created)d new, %(refreshed)d updated, %(withdrawn)d withdrawn, "
            "%(unchanged)d unchanged, %(held)d left to the school's identification."
        )
        % {
            "created": outcome.created,
            "refreshed": outcome.refreshed,
            "withdrawn": outcome.withdrawn,
            "unchanged": outcome.unchanged,
            "held": outcome.held_by_workflow,
        },
    )
    return redirect(_term_url(school_year, season))


@require_GET
@identification_page
def posting(request: HttpRequest, school_year: int, season: str) -> HttpResponse:
    """What the school posts publicly: name, class and grade, nothing else. A school's own by default;
    the county chooses a school."""
    user = acting(request)
    term = _term(school_year, season)
    school = _chosen_school(user, request.GET.get("school"))
    if school is None and user.school_id:
        school = get_school(user, user.school_id)
    context: dict[str, Any] = {"term": term, "school_year": school_year, "season": season}
    if school is None:
        public = actions.identifications_for(user, school_year=school_year, season=season).filter(
            step__in=actions.PUBLIC_STEPS, source__in=(Source.APPLICATION, Source.PROPOSAL)
        )
        context["schools"] = _by_school(public)
    else:
        rows = actions.posting(user, school, school_year, season)
        context |= {"school": school, "rows": rows}
    return page(request, "aid/identification_posting.html", context)


# --- one identification --------------------------------------------------------------------------


def _identification_or_404(user: Any, identification_id: int) -> Identification:
    try:
        return actions.access_identification(user, identification_id)
    except AidRefused:
        raise Http404("no such identification") from None


@require_GET
@identification_page
def history(request: HttpRequest, identification_id: int) -> HttpResponse:
    """Each step of the identification: who, when, which grade; the reason and notes to those who may
    see them."""
    user = acting(request)
    ident = _identification_or_404(user, identification_id)
    open_step = ident.step in actions.OPEN_STEPS
    context = {
        "term": _term(ident.school_year, ident.season),
        "ident": ident,
        "steps": actions.history(user, ident.pk),
        "may_see_reason": may_see_reason(user),
        "reject_form": RejectForm() if open_step and may_see_reason(user) else None,
    }
    return page(request, "aid/identification_history.html", context)


@require_POST
@identification_page
def review(request: HttpRequest, identification_id: int) -> HttpResponse:
    """The class review: approved, or returned (not identified) with a note."""
    user = acting(request)
    ident = _identification_or_404(user, identification_id)
    form = ReviewForm(request.POST)
    return _step(
        request,
        ident,
        form,
        may=_school_role(user),
        run=lambda data: actions.class_review(
            identification=ident,
            approve=data["decision"] == "approve",
            note=data["note"],
            acting_user=user,
        ),
    )


@require_POST
@identification_page
def grade(request: HttpRequest, identification_id: int) -> HttpResponse:
    """The school panel's grade; 不认定 rejects the application."""
    user = acting(request)
    ident = _identification_or_404(user, identification_id)
    form = GradeForm(request.POST)
    return _step(
        request,
        ident,
        form,
        may=_officer(user),
        run=lambda data: actions.grade(
            identification=ident,
            grade="" if data["grade"] == NOT_IDENTIFIED else data["grade"],
            note=data["note"],
            acting_user=user,
        ),
    )


@require_POST
@identification_page
def reject(request: HttpRequest, identification_id: int) -> HttpResponse:
    """Not identified, at any open step, with the reason why."""
    user = acting(request)
    ident = _identification_or_404(user, identification_id)
    form = RejectForm(request.POST)
    return _step(
        request,
        ident,
        form,
        may=may_see_reason(user),
        run=lambda data: actions.reject(identification=ident, note=data["note"], acting_user=user),
    )


def _step(
    request: HttpRequest,
    ident: Identification,
    form: forms.Form,
    *,
    may: bool,
    run: Callable[[dict[str, Any]], Identification],
) -> HttpResponse:
    """Run one step on one identification; a refusal (or a form not filled in) is shown on the term's
    page, never raised."""
    year, season = ident.school_year, ident.season
    if not form.is_valid():
        error = _("Fill in the step's form: %(errors)s") % {
            "errors": "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in form.errors.items())
        }
        return _identifications(request, year, season, error=error, status=_status(may))
    try:
        done = run(form.cleaned_data)
    except AidRefused as refusal:
        return _identifications(request, year, season, error=str(refusal), status=_status(may))
    messages.success(
        request,
        _("%(name)s: %(step)s.")
        % {"name": ident.student.person.name, "step": done.get_step_display()},
    )
    return redirect(_term_url(year, season))
