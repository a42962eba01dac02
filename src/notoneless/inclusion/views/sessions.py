"""Home-teaching sessions: the phone form a teacher fills in at the child's home, the attachments
(served only through this scoped view), and the compliance report."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from notoneless.inclusion import actions, selectors
from notoneless.inclusion.access import may_record_sessions
from notoneless.inclusion.compliance import build
from notoneless.inclusion.errors import InclusionRefused
from notoneless.inclusion.forms import SessionForm
from notoneless.inclusion.models import Plan
from notoneless.inclusion.views.common import day, form_errors, inclusion_page, page, user_of
from notoneless.registry.models import Teacher, Term
from notoneless.registry.selectors import current_term
from notoneless.web.attachments import open_attachment
from notoneless.web.submissions import mark_submitted, once_per_submission


def _plan_or_none(user: object, value: object) -> Plan | None:
    if not value:
        return None
    return selectors.get_plan(user, int(value))  # type: ignore[call-overload]


@require_http_methods(["GET", "POST"])
@inclusion_page
@once_per_submission
def record_session(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The phone form for one child's plan; all six elements and the guardian's confirmation."""
    user = user_of(request)
    if not may_record_sessions(user):
        raise PermissionDenied("this role does not record sessions")
    plan = selectors.get_plan(user, plan_id)
    today = timezone.localdate()
    version = selectors.version_in_force(plan, today)
    named = list(version.teachers.order_by("name")) if version else []
    form = SessionForm(
        request.POST or None,
        request.FILES or None,
        initial={"plan": plan.pk, "student": plan.person_id, "held_on": today},
    )
    form.fields["teacher"].choices = [("", "—")] + [(t.pk, t.name) for t in named]  # type: ignore[attr-defined]
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            student = plan.person if data["student"] == plan.person_id else None
            teacher = (
                Teacher.objects.filter(pk=data["teacher"]).first() if data["teacher"] else None
            )
            try:
                actions.record_session(
                    acting_user=user,
                    plan=_plan_or_none(user, data["plan"]),
                    student=student,
                    teacher=teacher,
                    held_on=data["held_on"],
                    class_hours=data["class_hours"],
                    lesson_plan=data["lesson_plan"],
                    lesson_plan_file=data["lesson_plan_file"],
                    record_entry=data["record_entry"],
                    signature_photo=data["signature_photo"],
                    confirmation_code=data["confirmation_code"],
                )
            except InclusionRefused as refusal:
                messages.error(request, str(refusal))
            else:
                mark_submitted(request)
                messages.success(request, _("Session recorded."))
                return redirect("inclusion_plan", plan_id=plan.pk)
        else:
            form_errors(request, form)
    context = {
        "plan": plan,
        "version": version,
        "form": form,
        "teacher_is_user": user.role == "teacher",
        "own_teacher": user.teacher if user.role == "teacher" else None,
    }
    return page(request, "inclusion/session_form.html", context)


@require_GET
@inclusion_page
def session_file(request: HttpRequest, session_id: int, which: str) -> FileResponse:
    """A session's lesson plan or signature photo, only for those who may see the child's plan."""
    found = selectors.get_session(user_of(request), session_id)
    path = {"lesson": found.lesson_plan_file, "signature": found.signature_file}.get(which, "")
    if not path:
        raise Http404("no such file")
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = FileResponse(open_attachment(path), content_type=kind)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@inclusion_page
def compliance(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    code = request.GET.get("term", "")
    term = Term.objects.filter(code=code).first() if code else current_term()
    if term is None:
        raise Http404("no term")
    as_of = day(request.GET.get("as_of"), term.end_date)
    try:
        report = build(user, term=term, as_of=as_of)
    except InclusionRefused as refusal:
        messages.error(request, str(refusal))
        report = None
    terms = Term.objects.order_by("-start_date")
    return page(
        request, "inclusion/compliance.html", {"report": report, "term": term, "terms": terms}
    )
