"""The placement ledger as a list (``web.lists``), on the page and in Excel."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notoneless.inclusion.models import Placement
from notoneless.web.lists import Column, Listing


def _where(p: Placement) -> str:
    if p.school:
        return p.school.name
    return p.township.name if p.township else ""


def _decided(p: Placement) -> str:
    return str(p.get_setting_display() if p.setting else p.get_status_display())


PLACEMENTS = Listing(
    name="inclusion_placements",
    title=_("Placements"),
    default_order=("-proposed_on", "-pk"),
    columns=(
        Column(
            "name",
            _("Name"),
            lambda p: p.person.name,
            order="person__name_norm",
            link=lambda p: reverse("inclusion_placement", args=[p.pk]),
            width=10,
        ),
        Column("school", _("School"), _where, order="school__code", width=22),
        Column(
            "disability",
            _("Disability"),
            lambda p: f"{p.get_disability_type_display()} · {p.grade}",
            order="disability_type",
        ),
        Column(
            "proposed",
            _("Proposed"),
            lambda p: p.get_proposed_setting_display(),
            order="proposed_setting",
        ),
        Column("decided", _("Decided"), _decided, order="status"),
        Column(
            "review_due",
            _("Review due"),
            lambda p: p.review_due.isoformat() if p.review_due else "",
            order="review_due",
        ),
    ),
)
