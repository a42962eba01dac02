"""Template filters of the schools pages: a row's value by key, an indicator's share of its
threshold, why a school is not assessed, a day's name."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from notoneless.lib.money import show_wan, show_yuan
from notoneless.schools.rules_data import itinerant_rules

register = template.Library()


@register.filter
def get(row: dict[str, Any], key: str) -> Any:
    return row.get(key)


@register.filter
def ratio(row: dict[str, Any], key: str) -> float:
    """The value's share of its threshold (1 when unknown, so nothing is marked short)."""
    value = row.get(f"{key}__ratio")
    return 1.0 if value is None else float(value)


@register.filter
def not_assessed(reason: str) -> str:
    return {
        "out_of_scope": _("Not assessed (special or vocational school)"),
        "small_teaching_point": _("Not assessed (small teaching point)"),
        "no_conditions": _("Not assessed (no conditions this year)"),
    }.get(reason, "")


@register.filter
def yuan(fen: int | None) -> str:
    return show_yuan(fen)


@register.filter
def wan(fen: int | None) -> str:
    return show_wan(fen)


@register.filter
def weekday(day: int) -> str:
    days = itinerant_rules().days
    return days[day - 1] if 1 <= day <= len(days) else str(day)


@register.filter
def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"
