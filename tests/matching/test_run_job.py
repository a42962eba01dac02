"""Matching from the browser: the county administrator starts a run from the matching page, it runs
as a background job, and the job's page shows what was linked and the findings; the same noisy child
is linked as by ``notoneless match run``; roles that do not run matching are not offered it and are
refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jobs.helpers import finish
from notoneless.jobs.models import Job
from notoneless.matching.models import MatchRun
from notoneless.registry.models import PovertyMember

pytestmark = pytest.mark.django_db


def test_the_administrator_matches_the_registers_as_a_job(matching_county):
    client = matching_county.client("county_admin")
    assert reverse("matching_run") in client.get(reverse("matching_index")).content.decode()

    page = finish(client, client.post(reverse("matching_run")))

    assert page.status_code == 200
    html = page.content.decode()
    job = Job.objects.get(kind="matching.run")
    assert job.status == Job.Status.DONE, job.error
    run = MatchRun.objects.get()
    assert f'data-count="probabilistic">{run.counts["probabilistic"]}<' in html
    assert run.counts["probabilistic"] >= 1
    assert PovertyMember.objects.get(name="刘洋", household__number="H004").person_id is not None
    assert 'data-finding="' in html


@pytest.mark.parametrize("persona", ["auditor", "officer_a", "township_a"])
def test_other_roles_are_not_offered_matching_and_are_refused(matching_county, persona):
    client = matching_county.client(persona)
    assert reverse("matching_run") not in client.get(reverse("matching_index")).content.decode()
    assert client.post(reverse("matching_run")).status_code == 403
    assert not Job.objects.exists() and not MatchRun.objects.exists()
