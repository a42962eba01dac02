"""The demo's care set-up on the small test county: pairs and log made through the actions, once."""

from __future__ import annotations

import pytest

from notoneless.audit.models import AuditEntry
from notoneless.care import demo
from notoneless.care.coverage import coverage
from notoneless.care.models import Pairing, SupportEntry

pytestmark = pytest.mark.django_db


def test_the_demo_pairs_every_special_group_child_and_logs_support_once(care):
    message = demo.setup()
    assert "care:" in message
    report = coverage(care.user("county_admin"), "2020-11")
    assert report.total.special == report.total.paired == 7
    assert SupportEntry.objects.exists()
    assert 0 < report.total.contacted <= report.total.paired
    assert AuditEntry.objects.filter(action="care.pairings_confirmed").count() == 2
    assert AuditEntry.objects.filter(action="care.log").count() == SupportEntry.objects.count()
    pairs, entries = Pairing.objects.count(), SupportEntry.objects.count()
    demo.setup()
    assert (Pairing.objects.count(), SupportEntry.objects.count()) == (pairs, entries)
