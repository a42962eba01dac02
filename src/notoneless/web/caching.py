"""Figures that take seconds to derive at a county's scale (coverage rates, balance indicators, the
dashboard), kept in Django's cache per scope and language, and made anew as soon as anything is
written: every write is audited, so the latest audit row's id is part of the key."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils.translation import get_language

from notoneless.accounts.models import User
from notoneless.aid.views.access import may_read_aid
from notoneless.audit.models import AuditEntry
from notoneless.care.access import may_read_care
from notoneless.inclusion.access import may_read_inclusion
from notoneless.registry.selectors import is_county_wide
from notoneless.retention.access import may_read_retention
from notoneless.schools.access import may_read_schools

__all__ = ["CACHE_SECONDS", "cached_in_scope", "latest_write"]

CACHE_SECONDS = 600
T = TypeVar("T")


def latest_write() -> int:
    """The id of the latest audit row: a new row means the figures may have changed (an import, a
    computed term, a case step, a pairing)."""
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _scope(user: User) -> str:
    where = "county" if is_county_wide(user) else f"{user.role}:{user.school_id}:{user.township_id}"
    readable = "".join(
        "1" if allowed(user) else "0"
        for allowed in (
            may_read_aid,
            may_read_retention,
            may_read_care,
            may_read_inclusion,
            may_read_schools,
        )
    )
    return f"{where}:{readable}"


def cached_in_scope(user: User, name: str, build: Callable[[], T]) -> T:
    """What ``build`` gives for this user's scope; ``name`` says what and for which place or period."""
    key = f"figures:{name}:{_scope(user)}:{get_language()}:{latest_write()}"
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, CACHE_SECONDS)
    return found
