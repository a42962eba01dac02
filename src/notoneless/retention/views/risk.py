"""The early-warning page: students ranked by dropout risk per township, each score with its reasons,
filtered by township and school. Parses the filters, calls ``risk.ranked`` and renders."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar, overload

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from notoneless.lib import sheets
from notoneless.registry.selectors import schools_for
from notoneless.retention.risk import RiskList, ranked
from notoneless.retention.views.common import page, retention_page, user_of
from notoneless.web.lists import export_response, filters_of

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
ROWS_PER_PAGE = 100


class _Rows(Sequence[dict[str, Any]]):
    """A page's rows drawn from the ranked frame only when the paginator slices it."""

    def __init__(self, found: RiskList) -> None:
        self.found = found

    def __len__(self) -> int:
        return self.found.total

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, int):
            return self.found.as_dicts(self.found.rows.slice(index, 1))[0]
        start, stop, _ = index.indices(self.found.total)
        return self.found.as_dicts(self.found.rows.slice(start, max(stop - start, 0)))


def _as_of(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


def _ranked(request: HttpRequest) -> RiskList:
    township = request.GET.get("township", "")
    school = request.GET.get("school", "")
    return ranked(
        user_of(request), as_of=_as_of(request), township=township or None, school=school or None
    )


@require_GET
@retention_page
def ranked_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    township = request.GET.get("township", "")
    school = request.GET.get("school", "")
    found = _ranked(request)
    listing = Paginator(_Rows(found), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    schools = list(schools_for(user))
    townships = sorted({(s.township.code, s.township.name) for s in schools})
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "found": found,
        "measured_to": min(found.as_of, found.term.end_date) if found.term else None,
        "page": listing,
        "townships": townships,
        "schools": schools,
        "township": township,
        "school": school,
        "query": query.urlencode(),
    }
    return page(request, "retention/risk.html", context)


def _export_columns() -> list[sheets.Column]:
    """The export's columns, in the language of the request."""
    return [
        sheets.Column(_("Rank in township"), kind="int", width=8),
        sheets.Column(_("Name"), width=10),
        sheets.Column(_("Student number"), width=22),
        sheets.Column(_("Township"), width=12),
        sheets.Column(_("School"), width=24),
        sheets.Column(_("Grade"), kind="int", width=6),
        sheets.Column(_("Attendance rate"), kind="percent", width=10),
        sheets.Column(_("Score"), kind="int", width=6),
        sheets.Column(_("Reasons"), width=40),
    ]


@require_GET
@retention_page
def ranked_export(request: HttpRequest) -> HttpResponse:
    """The ranked list of the current filter, in its order, as an official sheet (masked, audited)."""
    found = _ranked(request)
    rows = (
        [
            row["rank_in_township"],
            row["name"],
            row["student_number"],
            row["township"],
            row["school"],
            row["grade"],
            row["attendance_rate"],
            row["score"],
            "；".join(f"{r['label']} +{r['weight']}" for r in row["reasons"]),
        ]
        for row in found.as_dicts()
    )
    return export_response(
        request,
        name="retention_risk",
        title=_("Early warning"),
        columns=_export_columns(),
        rows=rows,
        filters=filters_of(request),
        acting_user=user_of(request),
    )
