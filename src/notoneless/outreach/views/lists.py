"""The outreach ledger as a list (``web.lists``): the households a term must reach, with their visits
and policy card, on the page and in Excel. The rows come assembled from
``outreach.selectors.household_rows``, so they sort in memory."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notoneless.outreach.models import CardDelivery
from notoneless.outreach.selectors import HouseholdRow
from notoneless.web.lists import Column, Listing


def _card(row: HouseholdRow) -> str:
    return str(CardDelivery.State(row.card).label) if row.card else ""


HOUSEHOLDS = Listing(
    name="outreach_households",
    title=_("Households to visit"),
    default_order=(),
    per_page=100,
    columns=(
        Column(
            "household",
            _("Household"),
            lambda r: f"{r.household.number} {r.household.head_name}",
            order="number",
            link=lambda r: f"{reverse('outreach_household', args=[r.household.pk])}",
            width=18,
        ),
        Column(
            "village",
            _("Village"),
            lambda r: r.household.village.name if r.household.village else "",
            order="village",
        ),
        Column(
            "children",
            _("School-age children"),
            lambda r: "、".join(c.name for c in r.children),
            width=20,
        ),
        Column("visits", _("Visits"), lambda r: r.visits, order="visits", kind="int", width=6),
        Column(
            "last_visit",
            _("Last visit"),
            lambda r: r.last_visit.isoformat() if r.last_visit else "",
            order="last_visit",
        ),
        Column("card", _("Policy card"), _card, order="card"),
    ),
)
