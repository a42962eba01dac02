"""The dropout-control ledgers as lists (``web.lists``): the cases, on the page and in Excel."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notoneless.retention.models import Case
from notoneless.web.lists import Column, Listing


def _status(case: Case) -> str:
    status = str(case.get_status_display())
    return f"{status} · {case.get_outcome_display()}" if case.outcome else status


CASES = Listing(
    name="retention_cases",
    title=_("Cases"),
    default_order=("-opened_on", "-pk"),
    per_page=100,
    columns=(
        Column(
            "child",
            _("Child"),
            lambda c: c.person.name,
            order="person__name_norm",
            link=lambda c: reverse("retention_case", args=[c.pk]),
            width=10,
        ),
        Column("id_number", _("ID number"), lambda c: c.person.id_number_masked, width=22),
        Column(
            "school", _("School"), lambda c: c.school.name if c.school else "", order="school__code"
        ),
        Column(
            "township",
            _("Township"),
            lambda c: c.township.name if c.township else "",
            order="township__code",
        ),
        Column("trigger", _("Trigger"), lambda c: c.get_trigger_display(), order="trigger"),
        Column("opened", _("Opened"), lambda c: c.opened_on.isoformat(), order="opened_on"),
        Column("status", _("Status"), _status, order="status"),
        Column(
            "closed",
            _("Closed on"),
            lambda c: c.closed_on.isoformat() if c.closed_on else "",
            order="closed_on",
        ),
    ),
)
