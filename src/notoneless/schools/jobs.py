"""Planning the week of itinerant teaching as a background job (the solver runs up to its time limit):
the same ``make_plan`` as ``schools plan-itinerant``; the job's page links to the saved plan."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notoneless.jobs.kinds import JobKind, Progress, register
from notoneless.registry.models import Term
from notoneless.schools.access import may_manage_schools
from notoneless.schools.errors import SchoolsRefused
from notoneless.schools.itinerant.plan import make_plan, plan_summary


def run_plan(params: dict[str, Any], acting_user: Any, progress: Progress) -> dict[str, Any]:
    term = Term.objects.filter(code=params["term"]).first()
    if term is None:
        raise SchoolsRefused(f"没有学期{params['term']} / no term {params['term']}")
    progress("planning", 0, None)
    plan = make_plan(term=term, acting_user=acting_user, time_limit=params.get("time_limit"))
    summary = plan_summary(plan)
    return {
        "plan": plan.pk,
        "message": (
            f"{summary['covered']}/{summary['demanded']} · {summary['status']} · "
            f"{summary['seconds']:.1f} s"
        ),
    }


PLAN = register(
    JobKind(
        name="schools.plan_itinerant",
        label=_("Plan the week of itinerant teaching"),
        run=run_plan,
        may_start=may_manage_schools,
        refusals=(SchoolsRefused,),
        next_page=lambda result: (
            _("Open the plan"),
            reverse("schools_plan_detail", kwargs={"plan_id": result["plan"]}),
        ),
    )
)
