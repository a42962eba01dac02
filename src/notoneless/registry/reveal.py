"""Revealing a full sensitive value: for some roles, within their scope, always audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from notoneless.accounts.models import Role
from notoneless.audit.actions import record
from notoneless.registry import protection, selectors

if TYPE_CHECKING:
    from notoneless.accounts.models import User

__all__ = ["REVEAL_ROLES", "may_reveal", "reveal_id_number"]

# Auditors read without seeing full values; teachers work with names and masked numbers.
REVEAL_ROLES = frozenset(
    {Role.COUNTY_ADMIN, Role.AID_OFFICER, Role.SCHOOL_OFFICER, Role.TOWNSHIP_OFFICER}
)
REASON_MAX_LENGTH = 200


def may_reveal(user: User) -> bool:
    """Whether the user's role may reveal full values at all (scope is checked per person)."""
    return bool(user.is_authenticated and user.is_active and user.role in REVEAL_ROLES)


def reveal_id_number(*, person_id: int, acting_user: User, reason: str, client: str = "") -> str:
    """The full resident ID of a person in the user's scope; the audit log keeps who, whom, why.

    Raises ``PermissionDenied`` for a role that may not reveal, ``Http404`` for a person out of
    scope and ``ValidationError`` without a reason.
    """
    if not may_reveal(acting_user):
        raise PermissionDenied(_("Your role may not reveal full ID numbers."))
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Give the reason for revealing the ID number."), code="required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(_("The reason is too long."), code="max_length")
    with transaction.atomic():
        person = selectors.get_person(acting_user, person_id)
        record(
            "reveal.id_number",
            acting_user=acting_user,
            object_type="registry.Person",
            object_id=person.pk,
            detail={"field": "id_number", "reason": reason, "masked": person.id_number_masked},
            client=client,
        )
        return protection.decrypt(person.id_number_enc)
