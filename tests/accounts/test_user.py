from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from notoneless.accounts.models import Role, User


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SCHOOL_OFFICER, Role.TEACHER])
def test_a_school_role_needs_a_school(role: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("no_school", role=role)


@pytest.mark.django_db
def test_a_township_officer_needs_a_township() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("no_township", role=Role.TOWNSHIP_OFFICER)


@pytest.mark.django_db
def test_createsuperuser_works_without_a_school(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long password 一个都不能少")
    call_command("createsuperuser", "--noinput", username="root", email="root@example.org")
    assert User.objects.get(username="root").is_superuser


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "county_wide"),
    [
        (Role.COUNTY_ADMIN, True),
        (Role.AID_OFFICER, True),
        (Role.AUDITOR, True),
        (Role.TOWNSHIP_OFFICER, False),
        (Role.SCHOOL_OFFICER, False),
        (Role.TEACHER, False),
    ],
)
def test_county_wide_roles_are_the_county_admin_aid_officer_and_auditor(
    role: str, county_wide: bool
) -> None:
    assert User(role=role).is_county_wide is county_wide
