from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from notoneless.audit.models import AuditEntry
from notoneless.registry.reveal import reveal_id_number
from web.county import County


def _reveal(county: County, persona: str, name: str, reason: str = "核对资助名单"):
    person = county.person(name)
    return county.client(persona).post(f"/persons/{person.pk}/reveal-id/", {"reason": reason})


def _reveals() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="reveal.id_number"))


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("county_admin", "王芳"),
        ("aid_officer", "张伟"),
        ("officer_a", "李娜"),
        ("officer_b", "刘洋"),
        ("township_a", "赵磊"),
    ],
)
def test_a_role_that_may_reveal_sees_the_full_id_once_and_it_is_audited(
    county: County, persona: str, name: str
) -> None:
    response = _reveal(county, persona, name)
    assert response.status_code == 200
    assert county.id_number(name) in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    [entry] = _reveals()
    assert entry.user == county.user(persona) and entry.username == persona
    assert entry.object_type == "registry.Person"
    assert entry.object_id == str(county.person(name).pk)
    assert entry.detail["reason"] == "核对资助名单"
    assert county.id_number(name) not in str(entry.detail)


@pytest.mark.parametrize("persona", ["auditor", "teacher_a"])
def test_auditors_and_teachers_may_not_reveal(county: County, persona: str) -> None:
    response = _reveal(county, persona, "张伟")
    assert response.status_code == 403
    assert county.id_number("张伟") not in response.content.decode()
    assert _reveals() == []


@pytest.mark.parametrize(("persona", "name"), [("officer_a", "王芳"), ("township_a", "王芳")])
def test_reveal_out_of_scope_is_not_found_and_not_audited(
    county: County, persona: str, name: str
) -> None:
    assert _reveal(county, persona, name).status_code == 404
    assert _reveals() == []


def test_reveal_without_a_reason_is_refused(county: County) -> None:
    response = _reveal(county, "officer_a", "张伟", reason="   ")
    assert response.status_code == 400
    assert county.id_number("张伟") not in response.content.decode()
    assert _reveals() == []


def test_reveal_needs_a_post(county: County) -> None:
    person = county.person("张伟")
    response = county.client("officer_a").get(f"/persons/{person.pk}/reveal-id/")
    assert response.status_code == 405


def test_each_reveal_is_a_new_audit_row(county: County) -> None:
    _reveal(county, "officer_a", "张伟")
    _reveal(county, "officer_a", "张伟", reason="家访核对")
    assert [e.detail["reason"] for e in _reveals()] == ["家访核对", "核对资助名单"]


def test_the_reveal_action_checks_role_scope_and_reason(county: County) -> None:
    person = county.person("王芳")
    with pytest.raises(PermissionDenied):
        reveal_id_number(person_id=person.pk, acting_user=county.user("auditor"), reason="x")
    with pytest.raises(Http404):
        reveal_id_number(person_id=person.pk, acting_user=county.user("officer_a"), reason="x")
    with pytest.raises(ValidationError):
        reveal_id_number(person_id=person.pk, acting_user=county.user("officer_b"), reason="")
    assert _reveals() == []
    value = reveal_id_number(
        person_id=person.pk, acting_user=county.user("officer_b"), reason="核对"
    )
    assert value == county.id_number("王芳")
    assert len(_reveals()) == 1
