"""School balance in the demo county: the week of itinerant teaching planned once, as the county
administrator would, so the pages open on a plan. The conditions, projects, training, honours and
travel times come in through the imports like every other register.

``setup()`` runs at the end of the demo load (before the demo accounts exist), so it acts as an
unsaved county administrator; its audit row names it ``demo-county``."""

from __future__ import annotations

from notoneless.accounts.models import Role, User
from notoneless.registry.models import Term
from notoneless.schools.itinerant.plan import make_plan, plan_summary

__all__ = ["setup"]

TERM = "2020-autumn"
TIME_LIMIT = 10  # seconds: the demo starts sooner; a plan made from the page takes the rules' 40


def setup() -> str:
    term = Term.objects.filter(code=TERM).first()
    if term is None:
        return "no term 2020-autumn: no itinerant plan"
    admin = User(username="demo-county", role=Role.COUNTY_ADMIN, is_active=True)
    plan = make_plan(term=term, acting_user=admin, time_limit=TIME_LIMIT)
    s = plan_summary(plan)
    return (
        f"itinerant plan: {s['covered']:,} of {s['demanded']:,} lessons a week covered in "
        f"{len(s['townships'])} townships, {s['trips']:,} trips, {s['travel_minutes']:,} road minutes "
        f"({s['status']}, gap {s['gap']:.2%}, {s['seconds']:.1f} s)"
    )
