"""Matching the registers as a background job: the same ``actions.run_matching`` and findings as
``notoneless match run``, started from the matching page by the county's aid roles; the job keeps
the run's counts and the findings per kind for its page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notoneless.jobs.kinds import JobKind, Progress, register
from notoneless.matching.actions import run_matching
from notoneless.matching.errors import MatchingRefused
from notoneless.matching.findings import compute_findings
from notoneless.matching.models import Finding
from notoneless.matching.selectors import DECIDING_COUNTY_ROLES
from notoneless.registry.selectors import current_term


def may_run_matching(user: Any) -> bool:
    """The county administrator and aid officer (and superusers) rematch the county's registers."""
    active = bool(getattr(user, "is_active", False))
    return active and (user.is_superuser or user.role in DECIDING_COUNTY_ROLES)


def run(params: dict[str, Any], acting_user: Any, progress: Progress) -> dict[str, Any]:
    matched = run_matching(acting_user=acting_user, progress=lambda step: progress(step, 0, None))
    term = current_term()
    progress("findings", 0, None)
    found = (
        compute_findings(run=matched, term_code=term.code, acting_user=acting_user) if term else {}
    )
    labels = dict(Finding.Kind.choices)
    return {
        "run": matched.pk,
        "counts": matched.counts,
        "notes": [str(n) for n in matched.notes],
        "term": term.code if term else "",
        "findings": [
            {"kind": kind, "label": str(labels.get(kind, kind)), "count": n}
            for kind, n in found.items()
        ],
    }


RUN = register(
    JobKind(
        name="matching.run",
        label=_("Match the registers"),
        run=run,
        may_start=may_run_matching,
        refusals=(MatchingRefused,),
        template="matching/_run_outcome.html",
        next_page=lambda result: (_("Back to matching"), reverse("matching_index")),
    )
)
