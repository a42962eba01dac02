"""Live progress of a running job, kept in a small file beside the database (``<data>/jobs/<id>.json``)
rather than in the job's row: the work often holds one long transaction (an import writes all or
nothing), and on SQLite no other connection could write a progress row meanwhile. The web process
and the worker share the data folder (uploads live there too), so the page reads what the worker
wrote. Written whole and renamed into place, so a reader never sees half a file."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings

__all__ = ["Reporter", "read", "remove"]

MIN_INTERVAL = 0.3  # seconds between two writes, whatever the work reports


def _path(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "jobs" / f"{int(job_id)}.json"


def read(job_id: int) -> dict[str, Any]:
    """What the worker last wrote (stage, done, total, at), or {} before it started."""
    try:
        return json.loads(_path(job_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def remove(job_id: int) -> None:
    _path(job_id).unlink(missing_ok=True)


class Reporter:
    """The job's ``progress(stage, done, total)``: writes at most every ``MIN_INTERVAL`` seconds,
    and always when the stage changes."""

    def __init__(self, job_id: int) -> None:
        self.path = _path(job_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._last = 0.0
        self._stage = ""

        self._data: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, stage: str, done: int = 0, total: int | None = None) -> None:
        now = time.monotonic()
        if stage == self._stage and now - self._last < MIN_INTERVAL:
            return
        self._last, self._stage = now, stage
        self._write({"stage": stage, "done": done, "total": total, "at": time.time()})

    def beat(self) -> None:
        """The worker is alive: the same progress, a new heartbeat time."""
        self._write(dict(self._data))

    def _write(self, data: dict[str, Any]) -> None:
        with self._lock:
            self._data = data
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps({**data, "beat": time.time()}), encoding="utf-8")
            os.replace(temporary, self.path)
