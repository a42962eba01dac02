"""The kinds of job: each app registers the long work it offers (``<app>/jobs.py``) with the
function that does it and who may start it. A job's function gets the job's parameters and a
``progress(stage, done, total)`` callback, and returns what the job's page shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

__all__ = ["JobKind", "Progress", "Refused", "get", "register"]

Progress = Callable[[str, int, "int | None"], None]


class Refused(Exception):
    """The job cannot do its work (bad input, a refusal of the action): the message is for the user."""


@dataclass(frozen=True)
class JobKind:
    name: str  # e.g. "registry.import"
    label: str | Promise
    run: Callable[[dict[str, Any], Any, Progress], dict[str, Any]]  # params, acting user, progress
    may_start: Callable[[Any], bool]
    refusals: tuple[type[Exception], ...] = ()  # exceptions whose message is shown as it is
    # the fragment that shows a finished job's result (it gets ``job`` and ``result``), and where
    # to go next: (label, url) from the result, or None
    template: str = "jobs/_result.html"
    next_page: Callable[[dict[str, Any]], tuple[str | Promise, str] | None] | None = None


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise Refused(f"unknown job kind {name!r}") from None


def names() -> list[str]:
    return sorted(_KINDS)
