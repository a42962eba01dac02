"""Why a student gets each program or not, and who meets a program's conditions but is not paid."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from notoneless.aid import selectors
from notoneless.aid.views import reads
from notoneless.aid.views.common import acting, aid_page, page, term_or_404, yuan

GAPS_SHOWN = 500


@require_GET
@aid_page
def explain(request: HttpRequest, term: str, student_id: int) -> HttpResponse:
    """The student's facts and, per program, yes or no, the amount and the reason in plain words."""
    term_obj = term_or_404(term)
    found = selectors.explain(acting(request), student_id, term)
    verdicts = [(v, yuan(v.amount_fen) if v.amount_fen is not None else "") for v in found.verdicts]
    context = {"term": term_obj, "explanation": found, "verdicts": verdicts}
    return page(request, "aid/explain.html", context)


@require_GET
@aid_page
def gaps(request: HttpRequest, term: str) -> HttpResponse:
    """Missed (应享未享) with what blocks each, counts first; not funded within quota kept apart."""
    term_obj = term_or_404(term)
    missed, over = selectors.gaps(acting(request), term)
    aid_term = selectors.aid_term_for(term)
    names = reads.program_names(term, aid_term)
    context = {
        "term": term_obj,
        "aid_term": aid_term,
        "missed_total": len(missed),
        "missed_counts": reads.gap_counts(missed, "reason"),
        "missed": reads.gap_rows(missed[:GAPS_SHOWN], names),
        "over_total": len(over),
        "over_counts": [
            (names.get(code, code), n) for code, n in reads.gap_counts(over, "program")
        ],
        "over": reads.gap_rows(over[:GAPS_SHOWN], names),
        "shown": GAPS_SHOWN,
    }
    return page(request, "aid/gaps.html", context)
