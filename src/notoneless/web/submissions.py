"""Once-only forms. A form rendered with ``{% submission_field %}`` carries a random key; the view,
wrapped in ``once_per_submission``, calls ``mark_submitted`` when it has saved something. The same
key sent again by the same user (a double tap, a stale tab, a phone replaying its outbox) saves
nothing more and leads where the first submission led.

The view runs inside one transaction with the key's row, so two copies arriving together cannot both
save: the second one's insert of the key fails and its writes are rolled back."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from notoneless.web.models import FormSubmission

__all__ = ["FIELD", "mark_submitted", "new_key", "once_per_submission"]

FIELD = "submission"
KEPT_FOR = timedelta(days=30)
_SAVED = "_notoneless_submission_saved"


def new_key() -> str:
    return str(uuid.uuid4())


def mark_submitted(request: HttpRequest) -> None:
    """Called by a view once its write has succeeded."""
    setattr(request, _SAVED, True)


def _key(request: HttpRequest) -> str | None:
    value = request.POST.get(FIELD, "").strip()
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def _already(request: HttpRequest, user_id: int, key: str) -> HttpResponse | None:
    first = FormSubmission.objects.filter(user_id=user_id, key=key).first()
    if first is None:
        return None
    messages.info(request, _("This form had already been sent; nothing was saved twice."))
    return HttpResponseRedirect(first.result_url)


def _for_the_outbox(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A form sent by ``offline.js`` learns where to go from ``X-Location`` on a 204: following the
    redirect inside fetch would show, and so use up, the messages meant for the page it opens next."""
    if not request.headers.get("X-Offline-Form") or response.status_code not in (301, 302, 303):
        return response
    answer = HttpResponse(status=204)
    answer["X-Location"] = response["Location"]
    return answer


def _keep(request: HttpRequest, user_id: int, key: str, response: HttpResponse) -> bool:
    try:
        with transaction.atomic():
            FormSubmission.objects.create(
                user_id=user_id,
                key=key,
                result_url=response.get("Location") or request.get_full_path(),
            )
    except IntegrityError:
        return False
    FormSubmission.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
    return True


def once_per_submission(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = _key(request) if request.method == "POST" else None
        user_id = request.user.pk
        if key is None or user_id is None:
            return _for_the_outbox(request, view(request, *args, **kwargs))
        if (earlier := _already(request, user_id, key)) is not None:
            return _for_the_outbox(request, earlier)
        with transaction.atomic():
            response = view(request, *args, **kwargs)
            # a copy of the same form arriving at the same moment may have saved first
            raced = getattr(request, _SAVED, False) and not _keep(request, user_id, key, response)
            if raced:
                transaction.set_rollback(True)
        if raced:
            earlier = _already(request, user_id, key) or HttpResponseRedirect(
                request.get_full_path()
            )
            return _for_the_outbox(request, earlier)
        return _for_the_outbox(request, response)

    return wrapper
