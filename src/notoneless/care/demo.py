"""Care in the demo county: what the school officers and helpers would have done by the end of
November 2020. Called by ``notoneless demo`` once the registers are loaded (``setup()``).

Every write goes through the care actions, as the school's officer (the demo's officer account for its
school, an unsaved stand-in for the others) and as each helper (the teacher's account when one is tied
to the record, else a stand-in): pairings confirmed from the suggestion for every school, from the
term's first day, and a plausible log: most pairs in touch every month with a home visit in October,
some quiet since September (overdue), a few never contacted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from notoneless.accounts.models import Role, User
from notoneless.care import actions, selectors
from notoneless.care.models import Pairing, SupportEntry, SupportKind
from notoneless.registry.models import School, Teacher
from notoneless.registry.selectors import current_term

__all__ = ["setup"]

DEMO_USER = "demo-care"
NOTES = {
    SupportKind.MATERIAL_AID: "送去冬季棉衣一件、文具一套",
    SupportKind.MOTIVATION: "课后谈理想，鼓励坚持上学",
    SupportKind.STUDY_HELP: "辅导数学作业，订正单元测验",
    SupportKind.EMOTIONAL_CARE: "午饭时聊天，了解在校情况",
    SupportKind.COUNSELLING: "心理辅导室谈话一次，情绪稳定",
    SupportKind.HOME_VISIT: "到家走访，与监护人交流孩子近况",
}
MONTHLY = (
    SupportKind.STUDY_HELP,
    SupportKind.EMOTIONAL_CARE,
    SupportKind.MOTIVATION,
    SupportKind.MATERIAL_AID,
    SupportKind.COUNSELLING,
)


def _officer(school: School) -> User:
    account = User.objects.filter(role=Role.SCHOOL_OFFICER, school=school, is_active=True).first()
    return account or User(
        username=DEMO_USER, role=Role.SCHOOL_OFFICER, school=school, is_active=True
    )


def _helper(teacher: Teacher) -> User:
    account = User.objects.filter(teacher=teacher, is_active=True).first()
    if account is not None and account.role == Role.TEACHER:
        return account
    return User(
        username=DEMO_USER,
        role=Role.TEACHER,
        school_id=teacher.school_id,
        teacher=teacher,
        is_active=True,
    )


def _pair_everyone(start: date, schools: Iterable[School]) -> tuple[int, int]:
    made = paired = 0
    for school in schools:
        officer = _officer(school)
        plan = selectors.suggestion(officer, school, start)
        if not plan.proposals:
            continue
        done = actions.confirm_pairings(
            school=school,
            proposals=[(p.person_id, p.teacher.pk) for p in plan.proposals],
            acting_user=officer,
            started_on=start,
        )
        made += len(done)
        paired += 1
    return made, paired


def _log(start: date, until: date) -> int:
    """Pair ``i`` (in id order): every 7th never contacted, every 5th quiet since September, the rest
    in touch every month with a home visit in October."""
    logged = 0
    months = []
    day = start.replace(day=1)
    while day <= until:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    helpers: dict[int, User] = {}
    pairs = Pairing.objects.filter(ended_on__isnull=True).select_related("teacher").order_by("pk")
    for i, pairing in enumerate(pairs):
        if i % 7 == 6:
            continue
        helper = helpers.get(pairing.teacher_id) or helpers.setdefault(
            pairing.teacher_id, _helper(pairing.teacher)
        )
        for m, first in enumerate(months):
            if i % 5 == 4 and m > 0:
                break
            kind = SupportKind.HOME_VISIT if first.month == 10 else MONTHLY[(i + m) % len(MONTHLY)]
            on = max(first + timedelta(days=(i * 3 + m * 7) % 25), pairing.started_on)
            if on > until:
                continue
            actions.log_support(
                pairing=pairing, kind=kind, on=on, notes=NOTES[kind], acting_user=helper
            )
            logged += 1
    return logged


def setup(schools: Iterable[School] | None = None) -> str:
    """Pair the special-group children of ``schools`` (default: every school), the suggestion
    confirmed as the school's officer, and log the autumn term's support up to the end of November.
    Does nothing twice."""
    term = current_term()
    if term is None:
        return "帮扶：没有学期，跳过 / care: no term, skipped"
    start = term.start_date
    until = min(date(term.start_date.year, 11, 30), term.end_date)
    chosen = School.objects.order_by("code") if schools is None else schools
    made, paired = _pair_everyone(start, chosen)
    logged = 0 if SupportEntry.objects.exists() else _log(start, until)
    return (
        f"帮扶：{paired} 所学校新结对 {made} 对，帮扶记录 {logged} 条 / care: {made} pairings in "
        f"{paired} schools, {logged} support entries"
    )
