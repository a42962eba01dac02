"""Policy packs: those loaded, a candidate previewed against the registers, and installed.

The previewed text waits in the session; the install form names it by its SHA-256, so what is installed is
exactly what was previewed. Nothing is stored in the database before the install.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notoneless.aid import packs_store, preview, selectors, workflow
from notoneless.aid.errors import AidRefused
from notoneless.aid.policy import PackError, parse_pack
from notoneless.aid.views import access, reads
from notoneless.aid.views.common import acting, aid_page, page, yuan
from notoneless.aid.views.forms import PackInstallForm, PackUploadForm

SESSION_KEY = "aid_pack_candidate"


@require_GET
@aid_page
def packs(request: HttpRequest) -> HttpResponse:
    access.check_may_read_county(acting(request))
    return _packs(request, PackUploadForm(terms=reads.terms_with_roster()))


def _packs(
    request: HttpRequest, form: PackUploadForm, status: int = 200, **context: Any
) -> HttpResponse:
    stored = selectors.packs().select_related("loaded_by")
    return page(
        request, "aid/packs.html", {"packs": stored, "form": form, **context}, status=status
    )


@require_POST
@aid_page
def preview_pack(request: HttpRequest) -> HttpResponse:
    """Check an uploaded pack and compare it with the current pack in a term; store nothing."""
    user = acting(request)
    access.check_may_read_county(user)
    terms = reads.terms_with_roster()
    form = PackUploadForm(request.POST, request.FILES, terms=terms)
    if not form.is_valid():
        return _packs(request, form, status=400)
    text, source, term = form.cleaned_data["file"], form.source_name(), form.cleaned_data["term"]
    try:
        candidate = parse_pack(text, source)
        rows = preview.preview(user, candidate, term)
    except PackError as error:
        return _packs(request, form, status=400, source=source, problems=error.problems)
    except AidRefused as refusal:
        return _packs(request, form, status=400, error=str(refusal))
    digest = hashlib.sha256(text.encode()).hexdigest()
    request.session[SESSION_KEY] = {"text": text, "source": source, "sha256": digest}
    names = reads.program_names(term) | {p.code: p.spec.name for p in candidate.programs}
    context = {
        "source": source,
        "candidate": candidate.spec,
        "term_code": term,
        "rows": [
            (names.get(r.code, r.code), r, yuan(r.current_fen), yuan(r.new_fen)) for r in rows
        ],
        "install_form": PackInstallForm(initial={"sha256": digest})
        if access.may_run_aid(user)
        else None,
    }
    return _packs(request, form, **context)


@require_POST
@aid_page
def install_pack(request: HttpRequest) -> HttpResponse:
    """Install the pack previewed last in this session; the county aid office only."""
    user = acting(request)
    access.check_may_read_county(user)
    upload_form = PackUploadForm(terms=reads.terms_with_roster())
    try:
        workflow.require_county_aid_role(user)
    except AidRefused as refusal:
        return _packs(request, upload_form, status=403, error=str(refusal))
    form = PackInstallForm(request.POST)
    candidate = request.session.get(SESSION_KEY) or {}
    if not form.is_valid() or candidate.get("sha256") != form.cleaned_data["sha256"]:
        error = _("Preview the pack file again, then install it.")
        return _packs(request, upload_form, status=400, error=error)
    try:
        stored = packs_store.install_pack(
            text=candidate["text"],
            source=candidate["source"],
            acting_user=user,
            activate=not form.cleaned_data["inactive"],
        )
    except PackError as error:
        context = {"source": candidate["source"], "problems": error.problems}
        return _packs(request, upload_form, status=400, **context)
    del request.session[SESSION_KEY]
    done = _("Installed %(pack)s and switched it on.") if stored.active else _("Stored %(pack)s.")
    messages.success(request, done % {"pack": str(stored)})
    return redirect("aid_packs")
