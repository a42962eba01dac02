from __future__ import annotations

import pytest
from django.test import Client

from notoneless.audit.actions import record
from notoneless.audit.models import AuditEntry
from notoneless.lib.protect import mask_id_number
from web.county import County


@pytest.mark.parametrize("persona", ["county_admin", "officer_a", "auditor"])
def test_admin_is_for_superusers_only(county: County, persona: str) -> None:
    response = county.client(persona).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_staff_account_that_is_not_superuser_is_kept_out_of_admin(county: County) -> None:
    user = county.user("county_admin")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    response = county.client("county_admin").get("/admin/registry/person/")
    assert response.status_code == 302


def test_anonymous_users_are_sent_to_the_admin_login(db: None) -> None:
    assert Client().get("/admin/").status_code == 302


def test_superuser_sees_registers_masked_and_never_encrypted(county: County) -> None:
    client = county.client("superuser")
    person = county.person("张伟")
    id_number = county.id_number("张伟")
    for url in [
        "/admin/registry/person/",
        f"/admin/registry/person/{person.pk}/change/",
        "/admin/registry/student/",
        "/admin/registry/povertymember/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "_enc" not in html, url  # no encrypted column is shown
        assert id_number not in html, url
        assert person.id_number_hash not in html, url
    detail = client.get(f"/admin/registry/person/{person.pk}/change/").content.decode()
    assert mask_id_number(id_number) in detail


def test_registers_are_read_only_in_admin(county: County) -> None:
    client = county.client("superuser")
    person = county.person("张伟")
    assert client.get("/admin/registry/person/add/").status_code == 403
    assert client.post(f"/admin/registry/person/{person.pk}/delete/").status_code == 403


def test_audit_log_is_read_only_in_admin(county: County) -> None:
    entry = record("test.event", acting_user=county.user("county_admin"), detail={"x": 1})
    client = county.client("superuser")
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "forged"})
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event"
