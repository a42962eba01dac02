"""Accounts are managed by superusers in the admin, and every change there is audited."""

from __future__ import annotations

from notoneless.accounts.models import Role, User
from notoneless.audit.models import AuditEntry
from web.county import SCHOOL_B, County


def test_creating_an_account_in_admin_is_audited(county: County) -> None:
    client = county.client("superuser")
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new_officer",
            "password1": "a long password 一个都不能少",
            "password2": "a long password 一个都不能少",
            "usable_password": "true",
            "role": Role.SCHOOL_OFFICER,
            "school": county.school(SCHOOL_B).pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new_officer")
    assert user.role == Role.SCHOOL_OFFICER and user.school is not None
    entry = AuditEntry.objects.get(action="account.create")
    assert entry.object_id == str(user.pk) and entry.username == "root"


def test_the_user_list_shows_role_and_scope(county: County) -> None:
    html = county.client("superuser").get("/admin/accounts/user/").content.decode()
    assert "officer_b" in html and "上盐湾镇中心小学" in html


def test_deleting_an_account_in_admin_is_audited(county: County) -> None:
    user = county.user("teacher_a")
    client = county.client("superuser")
    response = client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert AuditEntry.objects.get(action="account.delete").detail["username"] == "teacher_a"
