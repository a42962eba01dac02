"""The packs the county has loaded: the shipped default is loaded the first time it is needed."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from notoneless.aid.models import PolicyPack
from notoneless.aid.policy import (
    DEFAULT_PACK,
    Pack,
    PackError,
    pack_path,
    parse_pack,
    ranges_overlap,
)
from notoneless.audit.actions import record


def install_pack(*, text: str, source: str, acting_user: Any, activate: bool = True) -> PolicyPack:
    """Store a pack version (validated); activating it retires the other versions of its code. A pack of
    another code whose terms overlap an active one is refused."""
    pack = parse_pack(text, source)
    spec = pack.spec
    with transaction.atomic():
        existing = PolicyPack.objects.filter(code=spec.code, version=spec.version).first()
        digest = hashlib.sha256(text.encode()).hexdigest()
        if existing and existing.sha256 != digest:
            raise PackError(
                source,
                [
                    f"version {spec.version} of {spec.code} is already loaded with "
                    "different content; give the new file a new version"
                ],
            )
        if activate:
            _refuse_overlap(pack, source)
        stored = existing or PolicyPack.objects.create(
            code=spec.code,
            version=spec.version,
            title=spec.title,
            first_term=spec.first_term,
            last_term=spec.last_term or "",
            source=text,
            sha256=digest,
            loaded_at=timezone.now(),
            loaded_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        if activate and not stored.active:
            PolicyPack.objects.filter(code=spec.code, active=True).update(active=False)
            stored.active = True
            stored.save(update_fields=["active"])
        record(
            "aid.pack.install",
            acting_user=acting_user,
            object_type="PolicyPack",
            object_id=stored.pk,
            detail={"code": spec.code, "version": spec.version, "active": stored.active},
        )
    return stored


def _refuse_overlap(pack: Pack, source: str) -> None:
    mine = (pack.spec.first_term, pack.spec.last_term)
    for other in PolicyPack.objects.filter(active=True).exclude(code=pack.spec.code):
        if ranges_overlap(mine, (other.first_term, other.last_term or None)):
            raise PackError(
                source,
                [
                    f"terms {mine[0]}–{mine[1] or '…'} overlap active pack {other} "
                    f"({other.first_term}–{other.last_term or '…'}); retire it first"
                ],
            )


def active_pack_for(term_code: str) -> PolicyPack | None:
    for stored in PolicyPack.objects.filter(active=True):
        if load(stored).covers(term_code):
            return stored
    return None


def default_pack(acting_user: Any) -> PolicyPack:
    path = pack_path(DEFAULT_PACK)
    return install_pack(
        text=path.read_text(encoding="utf-8"), source=path.name, acting_user=acting_user
    )


_cache: dict[str, Pack] = {}


def load(stored: PolicyPack) -> Pack:
    """The compiled pack of a stored version (cached by content)."""
    pack = _cache.get(stored.sha256)
    if pack is None:
        pack = _cache[stored.sha256] = parse_pack(stored.source, str(stored))
    return pack
