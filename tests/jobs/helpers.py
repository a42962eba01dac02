"""Following a page that queues a background job, as a user would: the redirect to the job's page,
the job run as the worker runs it, then the job's page."""

from __future__ import annotations

from django.test import Client

from notoneless.jobs.worker import run_pending


def finish(client: Client, response):
    """After a POST that queued a job: run it, and return the job's page (anything else as it is)."""
    if response.status_code != 302 or "/jobs/" not in response["Location"]:
        return response
    run_pending()
    return client.get(response["Location"])
