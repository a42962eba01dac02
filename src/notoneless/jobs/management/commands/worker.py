"""``notoneless worker [--once] [--poll SECONDS]``: run the background jobs queued from the web
(imports, matching, a term's aid, itinerant plans), one at a time, until stopped (Ctrl-C or SIGTERM
finish the job under way first)."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notoneless.jobs.models import Job
from notoneless.jobs.worker import Worker, run_pending


class Command(BaseCommand):
    help = "Run the queued background jobs (imports, matching, computing a term, plans). 后台任务。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what waits now, then stop")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between looks")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            for job in run_pending():
                self.report(job)
            return
        worker = Worker(poll=options["poll"])
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: worker.stop())
        self.stdout.write(f"worker {worker.name}: waiting for jobs (Ctrl-C to stop)")
        worker.run(on_job=self.report)
        self.stdout.write("worker stopped")

    def report(self, job: Job) -> None:
        outcome = job.error or "ok"
        self.stdout.write(f"job {job.pk} {job.kind}: {job.status} ({outcome})")
