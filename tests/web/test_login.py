from __future__ import annotations

import pytest
from django.test import Client

from notoneless.audit.models import AuditEntry
from web.county import PASSWORD, County

PAGES = ["/", "/schools/", "/schools/1/", "/students/", "/students/?q=张", "/students/1/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_anonymous_users_are_redirected_to_login(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_anonymous_reveal_is_redirected_and_reveals_nothing(county: County) -> None:
    person = county.person("张伟")
    response = Client().post(f"/persons/{person.pk}/reveal-id/", {"reason": "核对"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert not AuditEntry.objects.filter(action="reveal.id_number").exists()


def test_login_page_is_in_chinese_and_works_without_javascript(db: None) -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html and "<script" not in html


def test_a_user_logs_in_and_lands_on_the_overview(county: County) -> None:
    client = Client()
    response = client.post("/login/", {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_keeps_the_user_out(county: County) -> None:
    client = Client()
    response = client.post("/login/", {"username": "officer_a", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert client.get("/").status_code == 302


def test_logging_out_ends_the_session(county: County) -> None:
    client = county.client("officer_a")
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_an_inactive_account_cannot_log_in(county: County) -> None:
    user = county.user("teacher_a")
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = Client().post("/login/", {"username": "teacher_a", "password": PASSWORD})
    assert response.status_code == 200


def test_every_response_says_how_long_the_server_took(db: None) -> None:
    timing = Client().get("/login/")["Server-Timing"]
    name, duration = timing.split(";dur=")
    assert name == "app" and float(duration) > 0
