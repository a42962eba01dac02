"""The job queue: who may queue what, a worker claiming each job once, outcomes recorded (done,
refused with its message, failed on a bug without a traceback for the user), abandoned jobs failed,
the job's page showing its live progress to its owner only."""

from __future__ import annotations

import logging
import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from notoneless.audit.models import AuditEntry
from notoneless.jobs import actions, kinds, progress
from notoneless.jobs.kinds import JobKind, Refused, register
from notoneless.jobs.models import Job
from notoneless.jobs.worker import run_pending
from web.county import County

pytestmark = pytest.mark.django_db


def _ok(params: dict[str, Any], user: Any, report: Any) -> dict[str, Any]:
    report("computing", 1, 2)
    return {"message": f"done {params['n']}"}


def _refuses(params: dict[str, Any], user: Any, report: Any) -> dict[str, Any]:
    raise Refused("不能这样做 / cannot do that")


def _breaks(params: dict[str, Any], user: Any, report: Any) -> dict[str, Any]:
    raise ZeroDivisionError("a bug")


def _anyone(user: Any) -> bool:
    return bool(user.is_authenticated)


for name, run in (("test.ok", _ok), ("test.refuses", _refuses), ("test.breaks", _breaks)):
    register(JobKind(name=name, label=name, run=run, may_start=_anyone))


def test_a_job_is_queued_audited_and_run_to_its_result(county: County) -> None:
    job = actions.enqueue("test.ok", {"n": 7}, acting_user=county.user("county_admin"))
    assert job.status == Job.Status.QUEUED
    assert AuditEntry.objects.filter(action="job.enqueue", object_id=str(job.pk)).exists()
    assert len(run_pending()) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result == {"message": "done 7"}
    assert job.started_at and job.finished_at and job.worker
    assert progress.read(job.pk) == {}  # the live progress file is gone once finished


def test_a_role_that_may_not_start_a_job_is_refused(county: County) -> None:
    with pytest.raises(Refused):
        actions.enqueue("import", {}, acting_user=county.user("officer_a"))
    with pytest.raises(Refused):
        actions.enqueue("no.such.kind", {}, acting_user=county.user("county_admin"))
    assert not Job.objects.exists()


def test_each_job_is_claimed_once_oldest_first(county: County) -> None:
    user = county.user("county_admin")
    first = actions.enqueue("test.ok", {"n": 1}, acting_user=user)
    second = actions.enqueue("test.ok", {"n": 2}, acting_user=user)
    assert actions.claim_next("w1").pk == first.pk
    assert actions.claim_next("w2").pk == second.pk
    assert actions.claim_next("w3") is None
    assert Job.objects.get(pk=first.pk).worker == "w1"


def test_a_claim_lost_to_another_worker_moves_on_to_the_next_job(
    county: County, monkeypatch
) -> None:
    user = county.user("county_admin")
    first = actions.enqueue("test.ok", {"n": 1}, acting_user=user)
    second = actions.enqueue("test.ok", {"n": 2}, acting_user=user)
    real_update = type(Job.objects.all()).update
    stolen: list[int] = []

    def update(queryset, **values):  # another worker takes the first job between read and update
        if not stolen:
            stolen.append(first.pk)
            Job.objects.filter(pk=first.pk).update(status=Job.Status.RUNNING, worker="other")
        return real_update(queryset, **values)

    monkeypatch.setattr(type(Job.objects.all()), "update", update)
    assert actions.claim_next("me").pk == second.pk
    assert Job.objects.get(pk=first.pk).worker == "other"


def test_a_database_that_refuses_for_a_moment_does_not_stop_the_worker(
    county: County, monkeypatch, caplog
) -> None:
    from django.db import OperationalError

    from notoneless.jobs.worker import Worker

    job = actions.enqueue("test.ok", {"n": 7}, acting_user=county.user("county_admin"))
    real_claim = actions.claim_next
    refusals = ["database table is locked"]

    def locked_once(worker: str):
        if refusals:
            raise OperationalError(refusals.pop())
        return real_claim(worker)

    monkeypatch.setattr(actions, "claim_next", locked_once)
    worker = Worker(poll=0)
    with caplog.at_level(logging.WARNING, logger="notoneless.jobs.worker"):
        assert worker.step() is None  # refused: logged, not raised
    assert "database table is locked" in caplog.text
    done = worker.step()
    assert done is not None and done.pk == job.pk and done.status == Job.Status.DONE


def test_a_refusal_is_shown_and_a_bug_is_logged_not_shown(county: County, caplog) -> None:
    user = county.user("county_admin")
    refused = actions.enqueue("test.refuses", {}, acting_user=user)
    broken = actions.enqueue("test.breaks", {}, acting_user=user)
    with caplog.at_level(logging.ERROR):
        run_pending()
    refused.refresh_from_db()
    broken.refresh_from_db()
    assert refused.status == broken.status == Job.Status.FAILED
    assert refused.error == "不能这样做 / cannot do that"
    assert "内部错误" in broken.error and "ZeroDivisionError" not in broken.error
    assert "ZeroDivisionError" in caplog.text


def test_a_job_whose_worker_stopped_is_failed_not_lost(county: County) -> None:
    user = county.user("county_admin")
    stale = actions.enqueue("test.ok", {"n": 1}, acting_user=user)
    alive = actions.enqueue("test.ok", {"n": 2}, acting_user=user)
    actions.claim_next("w")
    actions.claim_next("w")
    progress.Reporter(alive.pk)("computing", 1, 2)
    later = time.time() + actions.ABANDONED_AFTER_SECONDS / 2
    Job.objects.filter(pk=stale.pk).update(
        started_at=Job.objects.get(pk=stale.pk).started_at.replace(year=2020)
    )
    assert actions.fail_abandoned(now=later) == 1
    assert Job.objects.get(pk=stale.pk).status == Job.Status.FAILED
    assert "停止" in Job.objects.get(pk=stale.pk).error
    assert Job.objects.get(pk=alive.pk).status == Job.Status.RUNNING


def test_the_page_polls_while_running_and_stops_when_done(county: County) -> None:
    client = county.client("county_admin")
    job = actions.enqueue("test.ok", {"n": 3}, acting_user=county.user("county_admin"))
    actions.claim_next("w")
    progress.Reporter(job.pk)("computing", 5, 10)
    html = client.get(f"/jobs/{job.pk}/state/").content.decode()
    assert 'hx-trigger="every 1s"' in html and "计算中" in html and 'value="5" max="10"' in html
    actions.execute(Job.objects.get(pk=job.pk))
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "hx-trigger" not in html and "done 3" in html and 'data-status="done"' in html


def test_a_job_is_seen_by_its_owner_and_the_county_only(county: County) -> None:
    job = actions.enqueue("test.ok", {"n": 1}, acting_user=county.user("aid_officer"))
    assert county.client("aid_officer").get(f"/jobs/{job.pk}/").status_code == 200
    assert county.client("county_admin").get(f"/jobs/{job.pk}/").status_code == 200
    assert county.client("officer_a").get(f"/jobs/{job.pk}/").status_code == 404
    assert county.client("officer_a").get(f"/jobs/{job.pk}/state/").status_code == 404
    listed = county.client("officer_a").get("/jobs/").content.decode()
    assert f'data-job="{job.pk}"' not in listed


def test_the_worker_command_runs_what_waits(county: County) -> None:
    actions.enqueue("test.ok", {"n": 1}, acting_user=county.user("county_admin"))
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "test.ok: done" in out.getvalue()
    assert kinds.get("test.ok").label == "test.ok"
