"""Once-only forms: a visit form sent twice with its key (a double tap, a phone replaying its outbox)
is saved once and the second copy leads where the first did; a refused form does not use its key up;
a form sent by the outbox script learns where to go from a 204 instead of a redirect."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from notoneless.outreach.models import Visit
from notoneless.web.models import FormSubmission
from outreach.outreach_county import household
from web.county import TERM, County

pytestmark = pytest.mark.django_db

VISIT = {"visited_on": "2020-10-15", "visitors": "王干事", "q_hotline": "yes"}


def _visit_url(number: str = "H001") -> str:
    return f"{reverse('outreach_visit', args=[household(number).pk])}?term={TERM}"


def _rendered_key(county: County) -> str:
    url = f"{reverse('outreach_household', args=[household('H001').pk])}?term={TERM}"
    html = county.client("township_a").get(url).content.decode()
    form = re.search(r'<form[^>]*class="[^"]*visit-form[^"]*"[^>]*>.*?</form>', html, re.S)
    assert form and "data-offline" in form.group(0) and 'data-draft="visit-' in form.group(0)
    found = re.search(r'name="submission" value="([0-9a-f-]{36})"', form.group(0))
    assert found, "the visit form carries no once-only key"
    return found.group(1)


def test_the_same_form_sent_twice_is_saved_once_and_leads_to_the_same_page(county: County):
    key = _rendered_key(county)
    client = county.client("township_a")

    first = client.post(_visit_url(), {**VISIT, "submission": key})
    second = client.post(_visit_url(), {**VISIT, "submission": key}, follow=True)

    assert first.status_code == 302
    assert Visit.objects.count() == 1
    assert second.redirect_chain[0][0] == first["Location"]
    assert "没有重复保存" in second.content.decode()


def test_each_rendering_of_the_form_is_a_new_submission(county: County):
    client = county.client("township_a")
    client.post(_visit_url(), {**VISIT, "submission": _rendered_key(county)})
    client.post(_visit_url(), {**VISIT, "submission": _rendered_key(county)})
    assert Visit.objects.count() == 2


def test_a_refused_form_does_not_use_up_its_key(county: County):
    key = str(uuid.uuid4())
    client = county.client("township_a")
    client.post(_visit_url(), {**VISIT, "q_hotline": "perhaps", "submission": key})
    assert not Visit.objects.exists() and not FormSubmission.objects.exists()

    client.post(_visit_url(), {**VISIT, "submission": key})
    assert Visit.objects.count() == 1


def test_another_users_key_is_another_submission(county: County):
    key = str(uuid.uuid4())
    county.client("township_a").post(_visit_url(), {**VISIT, "submission": key})
    county.client("teacher_a").post(_visit_url(), {**VISIT, "submission": key})
    assert Visit.objects.count() == 2


def test_the_outbox_is_told_where_to_go_by_a_204(county: County):
    key = str(uuid.uuid4())
    client = county.client("township_a")
    answer = client.post(
        _visit_url(), {**VISIT, "submission": key}, headers={"X-Offline-Form": "1"}
    )
    again = client.post(_visit_url(), {**VISIT, "submission": key}, headers={"X-Offline-Form": "1"})

    assert answer.status_code == 204 and again.status_code == 204
    assert answer["X-Location"].startswith(
        reverse("outreach_household", args=[household("H001").pk])
    )
    assert again["X-Location"] == answer["X-Location"]
    assert Visit.objects.count() == 1


def test_a_key_that_is_not_a_key_is_ignored_not_an_error(county: County):
    response = county.client("township_a").post(_visit_url(), {**VISIT, "submission": "<script>"})
    assert response.status_code == 302 and Visit.objects.count() == 1
