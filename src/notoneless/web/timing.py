"""``Server-Timing: app;dur=<ms>`` on every response: how long the app took, from the first middleware
to the last, as browsers' developer tools and the page benchmark (``benchmarks/pages_load.py``) read
it. It says nothing about the data, only the time."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
