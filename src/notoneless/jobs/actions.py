"""The writes of the job queue: a user queues a job; a worker claims the oldest waiting one with a
compare-and-set ``UPDATE ... WHERE status = 'queued'`` (two workers never take the same job), runs it,
and records what it did or why it failed. A job whose worker stopped (no heartbeat for a while) is
marked failed, never silently lost."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from notoneless.audit.actions import record
from notoneless.jobs import kinds, progress
from notoneless.jobs.models import Job

__all__ = ["claim_next", "enqueue", "execute", "fail_abandoned", "refresh_connection"]

logger = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 10
ABANDONED_AFTER_SECONDS = 120
INTERNAL_ERROR = (
    "处理时发生内部错误，未完成，详情已记入日志 / "
    "an internal error stopped the job; details are in the log"
)


def enqueue(kind: str, params: dict[str, Any], *, acting_user: Any, client: str = "") -> Job:
    """Queue a job of ``kind`` for the user, who must be allowed to start it."""
    found = kinds.get(kind)
    if not found.may_start(acting_user):
        raise kinds.Refused("无权执行此任务 / this role cannot start this job")
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            params=params,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        record(
            "job.enqueue",
            acting_user=acting_user,
            object_type="Job",
            object_id=job.pk,
            detail={"kind": kind},
            client=client,
        )
    return job


def refresh_connection() -> None:
    """Drop a broken or aged database connection between jobs, as Django does between requests. Not
    inside a transaction: there the job runs within a caller's (a test's) and must keep its
    connection."""
    if not connection.in_atomic_block:
        close_old_connections()


def claim_next(worker: str) -> Job | None:
    """The oldest waiting job, now running for ``worker``; None when nothing waits."""
    while True:
        candidate = (
            Job.objects.filter(status=Job.Status.QUEUED)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if candidate is None:
            return None
        now = timezone.now()
        taken = Job.objects.filter(pk=candidate, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, worker=worker, started_at=now, attempts=1
        )
        if taken:
            return Job.objects.select_related("created_by").get(pk=candidate)
        # another worker took it between the read and the update: try the next one


class _Heartbeat:
    """Rewrites the job's progress file every few seconds while the work runs, so a job whose worker
    died can be told from one that is only slow."""

    def __init__(self, reporter: progress.Reporter) -> None:
        self.reporter = reporter
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def _beat(self) -> None:
        while not self.stop.wait(HEARTBEAT_SECONDS):
            self.reporter.beat()

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=HEARTBEAT_SECONDS)


def execute(job: Job) -> Job:
    """Run a claimed job to its end and record the outcome; never raises for the job's own failure."""
    reporter = progress.Reporter(job.pk)
    reporter("started")
    try:
        kind = kinds.get(job.kind)
        with _Heartbeat(reporter):
            job.result = kind.run(job.params, job.created_by, reporter) or {}
        job.status = Job.Status.DONE
    except kinds.Refused as refused:
        job.status, job.error = Job.Status.FAILED, str(refused)
    except Exception as exc:
        refusals = kinds.get(job.kind).refusals if job.kind in kinds.names() else ()
        job.status = Job.Status.FAILED
        if isinstance(exc, refusals):
            job.error = str(exc)
        else:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            job.error = INTERNAL_ERROR
    job.finished_at = timezone.now()
    refresh_connection()
    job.save(update_fields=["status", "result", "error", "finished_at"])
    progress.remove(job.pk)
    return job


def fail_abandoned(now: float | None = None) -> int:
    """Mark failed the running jobs whose worker has not beaten for a while (it stopped or died)."""
    now = now or time.time()
    failed = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING):
        written = progress.read(job.pk)
        beat = written.get("beat") or written.get("at")
        started = job.started_at.timestamp() if job.started_at else now
        if now - (beat or started) > ABANDONED_AFTER_SECONDS:
            updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED,
                error="执行此任务的进程已停止，请重新开始 / the worker running this job stopped: start it again",
                finished_at=timezone.now(),
            )
            failed += updated
            progress.remove(job.pk)
    return failed
