"""The demo county's inclusive education, made through the actions as the county would: proposals for
the school-age disabled children, the expert committee's decisions, plans for the home-taught children
and some weeks of sessions (a few missed, so the compliance report has gaps to show).

``setup()`` is called at the end of the demo load; it is idempotent (a second call adds nothing)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from notoneless.accounts.models import Role, User
from notoneless.inclusion import actions
from notoneless.inclusion.errors import InclusionRefused
from notoneless.inclusion.models import Placement, Plan, Setting
from notoneless.registry.models import Teacher

__all__ = ["setup"]

PROPOSED_ON = date(2020, 11, 2)
DECIDED_ON = date(2020, 11, 6)
PLAN_FROM = date(2020, 11, 9)  # a Monday
SESSIONS_UNTIL = date(2020, 11, 27)
COMMITTEE = ["县教体局 基础教育股 王主任", "县人民医院 儿科 李医生", "县特殊教育学校 赵校长"]
SCHEDULE = [
    {"weekday": 2, "start": "09:00", "hours": 3},
    {"weekday": 4, "start": "09:00", "hours": 3},
]


def _county() -> User:
    return User(username="demo", role=Role.COUNTY_ADMIN, is_active=True)


def _teacher_for(placement: Placement) -> Teacher | None:
    teachers = Teacher.objects.order_by("pk")
    found = None
    if placement.school_id is not None:
        found = teachers.filter(school_id=placement.school_id).first()
    if found is None and placement.township_id is not None:
        found = teachers.filter(school__township_id=placement.township_id).first()
    return found or teachers.first()


def setup() -> str:
    county = _county()
    result = actions.propose_all(acting_user=county, on=PROPOSED_ON)
    decided = 0
    for placement in Placement.objects.filter(status=Placement.Status.PROPOSED).order_by("pk"):
        actions.decide_placement(
            placement=placement,
            setting=placement.proposed_setting,
            committee_members=COMMITTEE,
            reason=f"按残疾类别和等级评估，同意建议：{placement.proposal_note}",
            guardian_name="监护人",
            guardian_consent=True,
            consent_on=DECIDED_ON,
            decided_on=DECIDED_ON,
            acting_user=county,
        )
        decided += 1
    plans = sessions = 0
    home = Placement.objects.filter(status=Placement.Status.DECIDED, setting=Setting.HOME)
    for i, placement in enumerate(home.order_by("pk")):
        if Plan.objects.filter(person_id=placement.person_id).exists():
            continue
        teacher = _teacher_for(placement)
        if teacher is None:
            continue
        version = actions.save_plan_version(
            placement=placement,
            goals="生活自理：穿衣、洗漱；沟通：表达需要；认知：认读常用汉字和数字1-20",
            teachers=[teacher],
            schedule=SCHEDULE,
            valid_from=PLAN_FROM,
            review_on=date(2021, 1, 15),
            acting_user=county,
        )
        plans += 1
        code = actions.issue_code(plan=version.plan, acting_user=county)
        day = PLAN_FROM + timedelta(days=1)
        while day <= SESSIONS_UNTIL:
            # every third child misses the Thursday visit of the second week: a gap to follow up
            missed = i % 3 == 2 and day == PLAN_FROM + timedelta(days=10)
            if not missed:
                try:
                    actions.record_session(
                        acting_user=county,
                        plan=version.plan,
                        student=placement.person,
                        teacher=teacher,
                        held_on=day,
                        class_hours=Decimal(3),
                        lesson_plan="看图认物：水果和蔬菜；手指操；描写数字",
                        record_entry="完成认物和描写练习，注意力约15分钟，家长陪同",
                        confirmation_code=code,
                    )
                    sessions += 1
                except InclusionRefused:
                    pass
            day += timedelta(days=2 if day.weekday() == 1 else 5)
    by_setting = ", ".join(f"{k} {n}" for k, n in sorted(result.by_setting.items())) or "none"
    return (
        f"  {result.proposed} placements proposed ({by_setting}), {decided} decided by the"
        f" committee, {plans} home-teaching plans, {sessions} sessions"
    )
