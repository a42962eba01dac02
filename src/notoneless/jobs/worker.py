"""The worker: claims waiting jobs one at a time and runs them, until told to stop. ``notoneless
worker`` runs one; ``notoneless demo`` starts one beside the web server. Several may run at once
(each claim is a compare-and-set); one is enough for a county."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable

from django.db import DatabaseError

from notoneless.jobs import actions
from notoneless.jobs.models import Job

__all__ = ["Worker", "run_pending", "worker_name"]

logger = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    def __init__(self, *, poll: float = 1.0, name: str | None = None) -> None:
        self.poll = poll
        self.name = name or worker_name()
        self.stopping = threading.Event()

    def run_once(self) -> Job | None:
        """Claim and run one job, if one waits."""
        actions.refresh_connection()
        job = actions.claim_next(self.name)
        return actions.execute(job) if job is not None else None

    def step(self) -> Job | None:
        """One turn of the loop: run a waiting job, or fail the abandoned ones when none waits. A
        database that refuses for a moment (SQLite busy or locked, a PostgreSQL restart) is logged
        and tried again on the next turn: it must not stop the worker."""
        try:
            job = self.run_once()
            if job is None:
                actions.fail_abandoned()
            return job
        except DatabaseError as exc:
            logger.warning("the database refused the worker, trying again: %s", exc)
            return None

    def run(self, on_job: Callable[[Job], None] | None = None) -> None:
        """Run jobs until ``stop()``; between jobs, fail those whose worker died."""
        while not self.stopping.is_set():
            job = self.step()
            if job is None:
                self.stopping.wait(self.poll)
            elif on_job is not None:
                on_job(job)

    def stop(self) -> None:
        self.stopping.set()


def run_pending() -> list[Job]:
    """Run every waiting job now, in this process (tests, and ``worker --once``)."""
    worker = Worker()
    done = []
    while (job := worker.run_once()) is not None:
        done.append(job)
    return done
