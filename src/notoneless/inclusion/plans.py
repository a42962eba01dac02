"""One plan per child (一人一案): versions with goals, teachers, a weekly schedule and a review date; a new
version keeps the old ones and is in force from its day. Also the guardian's confirmation code (given
on paper, stored hashed) and the pauses of home teaching (a hospital stay and so on)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from notoneless.audit.actions import record
from notoneless.inclusion.access import may_manage_plans
from notoneless.inclusion.errors import InclusionRefused
from notoneless.inclusion.models import Pause, Placement, Plan, PlanVersion, Setting
from notoneless.inclusion.rules import home_teaching_rules
from notoneless.inclusion.selectors import placement_scope, plan_scope
from notoneless.registry.models import Teacher
from notoneless.registry.protection import lookup_hash

__all__ = ["Visit", "add_pause", "issue_code", "parse_schedule", "save_plan_version"]

CODE_DIGITS = 6
_LINE = re.compile(
    r"^\s*(?:周|星期)?([1-7一二三四五六日天])\s+(\d{1,2}:\d{2})\s+(\d+(?:\.\d)?)\s*$"
)
_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}


class Visit(BaseModel):
    """One weekly visit of the schedule: weekday (1 = Monday), start time, class hours."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weekday: Annotated[StrictInt, Field(ge=1, le=7)]
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    hours: float = Field(gt=0, le=8)


def parse_schedule(text: str) -> list[dict[str, Any]]:
    """Lines like ``周二 09:00 3`` or ``2 09:00 3`` (weekday, start, class hours) as schedule data."""
    visits = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise InclusionRefused(
                f"每周安排第{number}行看不懂（例：周二 09:00 3）/ schedule line {number}: "
                "write weekday, start time and class hours, e.g. 2 09:00 3",
                field="schedule",
            )
        day, start, hours = match.groups()
        visits.append(
            {
                "weekday": _WEEKDAYS.get(day) or int(day),
                "start": start.zfill(5),
                "hours": float(hours),
            }
        )
    return visits


def _check_schedule(schedule: Sequence[dict[str, Any]], home: bool) -> list[dict[str, Any]]:
    try:
        visits = [Visit.model_validate(v) for v in schedule]
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise InclusionRefused(
            f"每周安排有误 / schedule: {where}: {problem['msg']}", field="schedule"
        ) from None
    rules = home_teaching_rules()
    if not visits:
        raise InclusionRefused(
            "请填写每周安排 / schedule: give the weekly visits", field="schedule"
        )
    if len({v.weekday for v in visits}) != len(visits):
        raise InclusionRefused(
            "每周安排同一天出现两次 / schedule: one visit a day", field="schedule"
        )
    if home and len(visits) < rules.visits_per_week:
        raise InclusionRefused(
            f"每周安排只有{len(visits)}次，规定每周至少{rules.visits_per_week}次 / schedule: "
            f"{len(visits)} visits a week, the rules require {rules.visits_per_week}",
            field="schedule",
        )
    if any(v.hours > rules.max_hours_per_session for v in visits):
        raise InclusionRefused(
            f"每次不超过{rules.max_hours_per_session}课时 / schedule: at most "
            f"{rules.max_hours_per_session} class hours a visit",
            field="schedule",
        )
    return [v.model_dump() for v in sorted(visits, key=lambda v: v.weekday)]


def save_plan_version(
    *,
    placement: Placement,
    goals: str,
    teachers: Sequence[Teacher],
    schedule: Sequence[dict[str, Any]],
    valid_from: date | None,
    review_on: date | None,
    acting_user: Any,
    note: str = "",
) -> PlanVersion:
    """A new version of the child's plan (the first creates the plan). Old versions are kept; the new
    one is in force from ``valid_from``, which must come after the latest version and after every
    session already recorded (sessions keep pointing at the version they were held under)."""
    home = _check_placement_takes_a_plan(placement, acting_user)
    if not goals.strip():
        raise InclusionRefused("请填写教育目标 / goals: write the plan's goals", field="goals")
    teacher_list = _distinct_teachers(teachers)
    visits = _check_schedule(schedule, home)
    valid_from, review_on = _checked_dates(valid_from, review_on)
    plan = Plan.objects.filter(person_id=placement.person_id).first()
    if plan is not None:
        _check_after_latest_version_and_sessions(plan, valid_from)
    with transaction.atomic():
        if plan is None:
            plan = Plan.objects.create(
                person_id=placement.person_id,
                placement=placement,
                school=placement.school,
                township=placement.township,
                home_teaching=home,
            )
        return _create_version(
            plan=plan,
            goals=goals,
            teacher_list=teacher_list,
            visits=visits,
            valid_from=valid_from,
            review_on=review_on,
            acting_user=acting_user,
            note=note,
        )


def _check_placement_takes_a_plan(placement: Placement, acting_user: Any) -> bool:
    """The user may write plans for this placement, which the committee decided, for home-delivered
    teaching or special support. Returns whether it is home-delivered teaching."""
    if not may_manage_plans(acting_user):
        raise InclusionRefused("无权编制送教方案 / this role cannot write plans")
    if not Placement.objects.filter(placement_scope(acting_user), pk=placement.pk).exists():
        raise InclusionRefused("该安置不在您的管辖范围 / the placement is not in your scope")
    if placement.status != Placement.Status.DECIDED:
        raise InclusionRefused(
            "专家委员会尚未决定安置 / placement: the committee has not decided it",
            field="placement",
        )
    home = placement.setting == Setting.HOME
    if not (home or placement.special_support):
        raise InclusionRefused(
            "只有送教上门或需要特别支持的儿童有个别化方案 / placement: plans are for home-delivered "
            "teaching or special support",
            field="placement",
        )
    return home


def _distinct_teachers(teachers: Sequence[Teacher]) -> list[Teacher]:
    """The teachers named, once each, in order; at least one."""
    teacher_list = list({t.pk: t for t in teachers}.values())
    if not teacher_list:
        raise InclusionRefused(
            "请指定至少一名教师 / teachers: name at least one teacher", field="teachers"
        )
    return teacher_list


def _checked_dates(valid_from: date | None, review_on: date | None) -> tuple[date, date]:
    """``valid_from`` is given and ``review_on`` comes after it."""
    if valid_from is None:
        raise InclusionRefused("请填写生效日期 / valid_from is required", field="valid_from")
    if review_on is None or review_on <= valid_from:
        raise InclusionRefused(
            "复核日期须晚于生效日期 / review_on: the review must come after valid_from",
            field="review_on",
        )
    return valid_from, review_on


def _check_after_latest_version_and_sessions(plan: Plan, valid_from: date) -> None:
    """A new version is in force after the latest version and after every session already recorded
    (sessions keep pointing at the version they were held under)."""
    latest = plan.versions.aggregate(day=Max("valid_from"))["day"]
    if latest and valid_from <= latest:
        raise InclusionRefused(
            f"生效日期须晚于上一版 {latest} / valid_from: after the latest version ({latest})",
            field="valid_from",
        )
    last_session = plan.sessions.aggregate(day=Max("held_on"))["day"]
    if last_session and valid_from <= last_session:
        raise InclusionRefused(
            f"{last_session}前的送教已按旧版记录 / valid_from: sessions are recorded up to "
            f"{last_session}",
            field="valid_from",
        )


def _create_version(
    *,
    plan: Plan,
    goals: str,
    teacher_list: list[Teacher],
    visits: list[dict[str, Any]],
    valid_from: date,
    review_on: date,
    acting_user: Any,
    note: str,
) -> PlanVersion:
    """Write the plan's next version, its teachers and the audit row (inside the caller's
    transaction)."""
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        valid_from=valid_from,
        goals=goals.strip(),
        schedule=visits,
        review_on=review_on,
        note=note.strip()[:300],
        created_by=acting_user if acting_user.pk else None,
    )
    version.teachers.set(teacher_list)
    record(
        "inclusion.plan_version",
        acting_user=acting_user,
        object_type="plan",
        object_id=plan.pk,
        detail={
            "version": number,
            "valid_from": valid_from.isoformat(),
            "teachers": [t.pk for t in teacher_list],
            "visits": len(visits),
        },
    )
    return version


def guardian_code_hash(plan_id: int, code: str) -> str:
    """The stored form of a plan's guardian code: the project's keyed lookup hash, salted with the
    plan. A six-digit code behind a slow password hash could still be tried in days from a stolen
    database; behind the key (kept apart from the database) not at all, and checking it is instant."""
    return lookup_hash(f"guardian-code|{plan_id}|{code.strip()}")


def issue_code(*, plan: Plan, acting_user: Any) -> str:
    """A new confirmation code for the guardian (printed on paper, stored hashed); the teacher types it
    in after each session. Returns the code once; an earlier code stops working."""
    if (
        not may_manage_plans(acting_user)
        or not Plan.objects.filter(plan_scope(acting_user), pk=plan.pk).exists()
    ):
        raise InclusionRefused("无权为该方案发放确认码 / this user cannot issue the plan's code")
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    with transaction.atomic():
        plan.code_hash = guardian_code_hash(plan.pk, code)
        plan.code_issued_on = timezone.localdate()
        plan.save(update_fields=["code_hash", "code_issued_on"])
        record("inclusion.code", acting_user=acting_user, object_type="plan", object_id=plan.pk)
    return code


def add_pause(
    *,
    plan: Plan,
    kind: str,
    start_date: date | None,
    end_date: date | None,
    acting_user: Any,
    note: str = "",
) -> Pause:
    """Days the child's home teaching is paused (a kind listed in ``rules/home_teaching.toml``)."""
    if (
        not may_manage_plans(acting_user)
        or not Plan.objects.filter(plan_scope(acting_user), pk=plan.pk).exists()
    ):
        raise InclusionRefused("无权登记暂停 / this user cannot record the plan's pauses")
    kinds = home_teaching_rules().pauses
    if kind not in kinds:
        raise InclusionRefused(
            f"未知的暂停原因 / kind: unknown value {kind!r} (one of {', '.join(kinds)})",
            field="kind",
        )
    if start_date is None:
        raise InclusionRefused("请填写开始日期 / start_date is required", field="start_date")
    if end_date is None or end_date < start_date:
        raise InclusionRefused(
            "结束日期不能早于开始日期 / end_date: before start_date", field="end_date"
        )
    if plan.pauses.filter(start_date__lte=end_date, end_date__gte=start_date).exists():
        raise InclusionRefused(
            "与已登记的暂停重叠 / start_date: overlaps a recorded pause", field="start_date"
        )
    with transaction.atomic():
        pause = Pause.objects.create(
            plan=plan,
            kind=kind,
            start_date=start_date,
            end_date=end_date,
            note=note.strip()[:300],
            created_by=acting_user if acting_user.pk else None,
        )
        record(
            "inclusion.pause",
            acting_user=acting_user,
            object_type="plan",
            object_id=plan.pk,
            detail={"kind": kind, "from": start_date.isoformat(), "to": end_date.isoformat()},
        )
    return pause
