"""What a user sees when something is refused or missing: a page in Chinese inside the app's frame
that says what happened and that nothing changed; never Django's bare page, never a traceback."""

from __future__ import annotations

import pytest
from django.test import Client

from web.county import PASSWORD, SCHOOL_A, County

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    text = response.content.decode()
    assert "Traceback" not in text
    return text


def test_another_schools_object_is_not_found_with_a_clear_page(county: County) -> None:
    response = county.client("officer_b").get(f"/schools/{county.school(SCHOOL_A).pk}/")
    assert response.status_code == 404
    text = _text(response)
    assert 'data-error="404"' in text and "不在您所属的学校或乡镇范围内" in text
    assert 'class="nav"' in text  # inside the app's frame, with the way back


def test_a_page_the_role_may_not_use_is_refused_with_a_clear_page(county: County) -> None:
    response = county.client("teacher_a").get("/aid/")
    assert response.status_code == 403
    assert "您的角色无权执行此操作" in _text(response)


def test_an_expired_form_says_so_and_changes_nothing(county: County) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="township_a", password=PASSWORD)
    response = client.post("/imports/", {"kind": "schools"})
    assert response.status_code == 403
    assert 'data-error="csrf"' in _text(response) and "表单已过期" in response.content.decode()


def test_a_server_error_shows_a_page_not_a_traceback(
    county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notoneless.web import views

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.selectors, "schools_for", broken)
    client = county.client("county_admin")
    client.raise_request_exception = False
    response = client.get("/schools/")
    assert response.status_code == 500
    text = _text(response)
    assert 'data-error="500"' in text and "a bug" not in text
