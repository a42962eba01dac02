"""The job pages: one job with its live progress (polled by htmx while it runs, so a reload finds it
where it was), its fragment, and the list of the user's jobs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from notoneless.accounts.models import User
from notoneless.jobs import kinds, selectors
from notoneless.jobs.models import Job
from notoneless.web.nav import navigation

POLL_SECONDS = 1


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "views behind login_required see a real account"
    return request.user


def _state(job: Job) -> dict[str, Any]:
    kind = kinds.get(job.kind) if job.kind in kinds.names() else None
    following = (
        kind.next_page(job.result)
        if kind and kind.next_page and job.status == Job.Status.DONE
        else None
    )
    return {
        "job": job,
        "label": kind.label if kind else job.kind,
        "result": job.result,
        "result_template": kind.template if kind else "jobs/_result.html",
        "progress": selectors.live_progress(job),
        "next_page": following,
        "poll": POLL_SECONDS,
    }


@never_cache
@require_GET
@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    user = _user(request)
    job = selectors.get_job(user, job_id)
    context = {"nav": navigation(user), "active": "jobs", **_state(job)}
    return render(request, "jobs/detail.html", context)


@never_cache
@require_GET
@login_required
def job_state(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's state as a fragment: htmx swaps it in every second until the job has finished."""
    job = selectors.get_job(_user(request), job_id)
    return render(request, "jobs/_state.html", _state(job))


@never_cache
@require_GET
@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(selectors.jobs_for(user), 50).get_page(request.GET.get("page"))
    labels = {name: kinds.get(name).label for name in kinds.names()}
    rows = [(job, labels.get(job.kind, job.kind)) for job in page]
    context = {"nav": navigation(user), "active": "jobs", "page": page, "rows": rows}
    return render(request, "jobs/list.html", context)
