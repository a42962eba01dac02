"""Computing a term's aid as a background job: the same ``compute.compute_term`` as ``aid compute``;
the job keeps, for its page, the counts, the entitlements per program and examples of what changed."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notoneless.aid import compute
from notoneless.aid.errors import AidRefused
from notoneless.aid.views import reads
from notoneless.aid.views.access import may_run_aid
from notoneless.jobs.kinds import JobKind, Progress, register


def run_compute(params: dict[str, Any], acting_user: Any, progress: Progress) -> dict[str, Any]:
    term = params["term"]
    progress("computing", 0, None)
    outcome = compute.compute_term(term_code=term, acting_user=acting_user)
    names = reads.program_names(term, outcome.aid_term)
    order = {code: i for i, code in enumerate(names)}
    students = reads.students_by_id(s["student_id"] for s in outcome.samples)
    return {
        "term": term,
        "run": outcome.run.number,
        "students": outcome.students,
        "added": outcome.added,
        "removed": outcome.removed,
        "changed": outcome.changed,
        "unchanged": outcome.unchanged,
        "reopened_schools": outcome.reopened_schools,
        "programs": [
            {
                "name": str(names.get(code, code)),
                "count": stats["count"],
                "yuan": reads.Total(stats["fen"]).yuan,
                "over_quota": stats.get("over_quota", 0),
            }
            for code, stats in sorted(outcome.per_program.items(), key=lambda i: order.get(i[0], 0))
        ],
        "samples": [
            {
                "change": s["change"],
                "name": str(s["name"]),
                "reason": str(s["reason"]),
                "student_id": s["student_id"],
                "student_name": students[s["student_id"]].person.name
                if s["student_id"] in students
                else "",
            }
            for s in outcome.samples
        ],
    }


COMPUTE = register(
    JobKind(
        name="aid.compute",
        label=_("Compute the term's aid"),
        run=run_compute,
        may_start=may_run_aid,
        refusals=(AidRefused,),
        template="aid/_compute_outcome.html",
        next_page=lambda result: (
            _("Back to the term overview"),
            reverse("aid_overview") + f"?term={result['term']}",
        ),
    )
)
