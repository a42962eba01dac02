"""The care ledger (帮扶台账) as a list (``web.lists``): the pairs in force on a day, with the last
contact and what each is overdue on, on the page and in Excel. The rows come assembled with their
overdue flags (``care.selectors.pair_views``), so they sort in memory."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notoneless.care.selectors import PairView
from notoneless.web.lists import Column, Listing

PAIRS = Listing(
    name="care_pairs",
    title=_("Care ledger"),
    default_order=(),
    per_page=100,
    columns=(
        Column(
            "child",
            _("Child"),
            lambda v: v.pairing.person.name,
            order="child",
            link=lambda v: reverse("care_pair", args=[v.pairing.pk]),
            width=10,
        ),
        Column("school", _("School"), lambda v: v.pairing.school.name, order="school", width=24),
        Column("helper", _("Helper"), lambda v: v.pairing.teacher.name, order="helper", width=10),
        Column(
            "started",
            _("paired on"),
            lambda v: v.pairing.started_on.isoformat(),
            order="started",
        ),
        Column(
            "last_contact",
            _("Last contact"),
            lambda v: v.last_contact.isoformat() if v.last_contact else "",
            order="last_contact",
        ),
        Column("late", _("Overdue"), lambda v: "；".join(v.late_labels), order="late", width=30),
    ),
)


def only_late(views: list[PairView]) -> list[PairView]:
    return [v for v in views if v.late]
