"""The staffing and training pages: teachers against the norm and the specialist lessons left open;
training person-times, rounds, honours and recruitment. Each also as Excel."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from notoneless.registry.models import Term
from notoneless.registry.selectors import current_term
from notoneless.schools import selectors
from notoneless.schools.exports import staffing_tables, training_tables
from notoneless.schools.models import HonourKind, HonourLevel, RecruitmentChannel
from notoneless.schools.views.common import page, schools_page, user_of, workbook


def _term(request: HttpRequest) -> Term | None:
    code = request.GET.get("term", "")
    return Term.objects.filter(code=code).first() if code else current_term()


@require_GET
@schools_page
def staffing(request: HttpRequest) -> HttpResponse:
    term = _term(request)
    report = selectors.staffing_for(user_of(request), term)
    short = report.subjects.filter(report.subjects["open_lessons"] > 0)
    context = {
        "term": term,
        "terms": Term.objects.order_by("-start_date"),
        "report": report,
        "totals": report.totals(),
        "schools": report.schools.to_dicts(),
        "subjects": short.to_dicts(),
    }
    return page(request, "schools/staffing.html", context)


@require_GET
@schools_page
def staffing_xlsx(request: HttpRequest) -> HttpResponse:
    report = selectors.staffing_for(user_of(request), _term(request))
    return workbook(request, "staffing", staffing_tables(report), edition=str(report.term))


@require_GET
@schools_page
def training(request: HttpRequest) -> HttpResponse:
    report = selectors.training_for(user_of(request))
    honours = [
        {**r, "kind": HonourKind(r["kind"]).label, "level": HonourLevel(r["level"]).label}
        for r in report.honours
    ]
    recruitment = [
        {**r, "channel": RecruitmentChannel(r["channel"]).label} for r in report.recruitment
    ]
    context = {"report": report, "honours": honours, "recruitment": recruitment}
    return page(request, "schools/training.html", context)


@require_GET
@schools_page
def training_xlsx(request: HttpRequest) -> HttpResponse:
    report = selectors.training_for(user_of(request))
    return workbook(request, "training", training_tables(report))
