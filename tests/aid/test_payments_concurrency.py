"""Two officers acting on the same term at the same moment, on PostgreSQL (real row locks; SQLite runs
one writer at a time, so there is no race to test there)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections
from django.db.models import Count

from aid.county import TERM, AidCounty
from aid.test_payments import approved_term
from notoneless.aid import selectors
from notoneless.aid.compute import compute_term
from notoneless.aid.errors import AidRefused
from notoneless.aid.models import AidTerm, PaymentBatch, PaymentLine
from notoneless.aid.payments import create_batch
from notoneless.aid.workflow import approve_term, compile_term, submit_school_list
from notoneless.audit.models import AuditEntry

pytestmark = [
    # serialized_rollback: the flush after these tests must leave the tables as later tests expect
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need PostgreSQL's row locks; SQLite serialises every write",
    ),
]


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result is a return value or the exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return results


def compiled_term(county: AidCounty) -> AidTerm:
    aid_term = compute_term(term_code=TERM, acting_user=county.user("compiler")).aid_term
    for school in selectors.schools_in_term(county.user("compiler"), TERM):
        submit_school_list(
            aid_term=aid_term,
            school=school,
            notice_start=None,
            acting_user=county.user(f"officer_{school.code[-1]}"),
        )
    return compile_term(aid_term=aid_term, acting_user=county.user("compiler"))


def test_two_approvals_at_once_exactly_one_wins(aid_county):
    aid_term = compiled_term(aid_county)
    approver, exporter = aid_county.user("approver"), aid_county.user("exporter")

    results = race(
        lambda: approve_term(aid_term=aid_term, acting_user=approver),
        lambda: approve_term(aid_term=aid_term, acting_user=exporter),
    )

    won = [r for r in results if isinstance(r, AidTerm)]
    refused = [r for r in results if isinstance(r, AidRefused)]
    assert (len(won), len(refused)) == (1, 1), results
    aid_term.refresh_from_db()
    assert aid_term.state == AidTerm.State.APPROVED
    assert aid_term.approved_by == won[0].approved_by
    assert AuditEntry.objects.filter(action="aid.term.approve").count() == 1


def test_batches_created_at_once_pay_each_entitlement_at_most_once(aid_county):
    aid_term = approved_term(aid_county)
    officers = [aid_county.user(name) for name in ("compiler", "approver", "exporter")]

    results = race(
        *(
            lambda user=user: create_batch(aid_term=aid_term, payee="family", acting_user=user)
            for user in officers
        )
    )

    assert not any(isinstance(r, IntegrityError) for r in results), results
    assert all(isinstance(r, PaymentBatch | AidRefused) for r in results), results
    assert sum(isinstance(r, PaymentBatch) for r in results) == 1
    assert PaymentBatch.objects.count() == 1
    live = (
        PaymentLine.objects.exclude(status=PaymentLine.Status.FAILED)
        .values("entitlement_id")
        .annotate(n=Count("id"))
    )
    assert live and max(row["n"] for row in live) == 1
