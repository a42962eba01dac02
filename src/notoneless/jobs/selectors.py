"""Reads of the job queue: a user sees the jobs they started; county administrators and auditors
see every job. Anyone else's job is not found (404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from notoneless.accounts.models import Role, User
from notoneless.jobs import progress
from notoneless.jobs.models import Job

__all__ = ["get_job", "jobs_for", "live_progress"]

_SEE_ALL = frozenset({Role.COUNTY_ADMIN, Role.AUDITOR})
# what the work reports as its stage, as the page says it
STAGES = {
    "started": _("Starting"),
    "reading": _("Reading the file"),
    "checking": _("Checking the rows"),
    "writing": _("Writing"),
    "computing": _("Computing"),
    "planning": _("Planning"),
}


def jobs_for(user: User) -> QuerySet[Job]:
    if not (user.is_authenticated and user.is_active):
        return Job.objects.none()
    rows = Job.objects.select_related("created_by")
    if user.is_superuser or user.role in _SEE_ALL:
        return rows
    return rows.filter(created_by=user)


def get_job(user: User, job_id: int) -> Job:
    found = jobs_for(user).filter(pk=job_id).first()
    if found is None:
        raise Http404("no such job")
    return found


def live_progress(job: Job) -> dict[str, object]:
    """Stage and share done of a running job (from its progress file)."""
    if job.status != Job.Status.RUNNING:
        return {}
    data = progress.read(job.pk)
    done, total = data.get("done") or 0, data.get("total")
    share = (done / total) if isinstance(total, int) and total > 0 else None
    stage = str(data.get("stage", ""))
    return {"stage": STAGES.get(stage, stage), "done": done, "total": total, "share": share}
