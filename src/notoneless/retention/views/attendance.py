"""Quick attendance entry for a teacher: pick a class and a day, tap each absent child (a tap moves the
child along present → unexcused → sick leave → personal leave → present). Each tap is one small POST;
with JavaScript it replaces only the child's row, without it the page comes back. Thin: parse, call
``retention.attendance`` (reads and the ``record_absences`` action), render."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from notoneless.accounts.models import User
from notoneless.registry.choices import AbsenceStatus
from notoneless.retention import calendar
from notoneless.retention.access import may_record_attendance
from notoneless.retention.attendance import class_sheet, enrolled_at, record_absences
from notoneless.retention.errors import RetentionRefused
from notoneless.retention.views.common import page


def _taker(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "views behind login_required see a real account"
    if not may_record_attendance(user):
        raise PermissionDenied("attendance is taken by the teachers and officers of a school")
    return user


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else calendar.today()
    except ValueError:
        return calendar.today()


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return page(request, "retention/attendance.html", context, active="attendance", status=status)


@never_cache
@require_GET
@login_required
def sheet(request: HttpRequest) -> HttpResponse:
    user = _taker(request)
    found = class_sheet(user, _day(request.GET.get("date")), request.GET.get("class", ""))
    return _page(request, {"sheet": found, "error": request.GET.get("error", "")})


@require_POST
@login_required
def mark(request: HttpRequest) -> HttpResponse:
    """One child's mark for one day; 404 for a student who is not of the user's school that term."""
    user = _taker(request)
    day = _day(request.POST.get("date"))
    try:
        student_id = int(request.POST.get("student", ""))
    except ValueError:
        return HttpResponse(status=400)
    status = request.POST.get("status") or None
    if status is not None and status not in AbsenceStatus.values:
        return HttpResponse(status=400)
    enrolled_at(user, student_id, day)  # 404 outside the user's school
    school = user.school
    assert school is not None  # may_record_attendance: a school role with its school
    error = ""
    try:
        record_absences(school=school, date=day, marks={student_id: status}, acting_user=user)
    except RetentionRefused as exc:
        error = str(exc)
    if request.headers.get("X-Requested-With") == "fetch":
        context = {
            "row": enrolled_at(user, student_id, day),
            "day": day,
            "class_label": request.POST.get("class", ""),
            "error": error,
        }
        return render(
            request, "retention/attendance_row.html", context, status=409 if error else 200
        )
    query = {"date": day.isoformat(), "class": request.POST.get("class", "")}
    if error:
        query["error"] = error
    url = f"{reverse('retention_attendance')}?{urlencode(query)}#s{student_id}"
    return HttpResponseRedirect(url)
