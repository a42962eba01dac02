from __future__ import annotations

from typing import Any

from django.utils import timezone

from notoneless.audit.models import AuditEntry


def record(
    action: str,
    *,
    acting_user: Any,
    object_type: str = "",
    object_id: object = "",
    detail: dict[str, Any] | None = None,
    client: str = "",
) -> AuditEntry:
    """Write one audit row. Call it inside the transaction of the write it records."""
    user = acting_user if getattr(acting_user, "pk", None) else None
    return AuditEntry.objects.create(
        at=timezone.now(),
        user=user,
        username=getattr(acting_user, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail or {},
        client=client,
    )


def record_export(
    name: str,
    *,
    acting_user: Any,
    rows: int,
    filters: dict[str, str],
    client: str = "",
) -> AuditEntry:
    """An export of a list or a report: who took which rows (the filter and how many) out."""
    return record(
        f"export.{name}",
        acting_user=acting_user,
        object_type="Export",
        object_id=name,
        detail={"filters": filters, "rows": rows},
        client=client,
    )
