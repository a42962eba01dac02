"""Publicity in the demo county, recorded through the app's actions as the people would: the county's
broadcast and a briefing per township, the term's home visits to part of the registered-poor households
(most with the survey answered, a few families not knowing the living subsidy their child receives), and
the policy cards of visited households printed, most delivered and some signed.

``setup()`` runs at the end of the demo load (before the demo accounts exist), so it acts as unsaved
accounts of the right role and place; the audit rows name them ``demo-...``. Deterministic: the same
county gives the same records."""

from __future__ import annotations

from datetime import date, timedelta

from notoneless.accounts.models import Role, User
from notoneless.outreach import actions, selectors
from notoneless.outreach.models import Campaign, Visit
from notoneless.outreach.selectors import HouseholdRow
from notoneless.registry.models import Division, Household, Term

__all__ = ["setup"]

TERM = "2020-autumn"
FIRST_VISIT = date(2020, 9, 14)
VISIT_SHARE = 3  # two of every three households are visited
MAX_VISITS = 2_000  # enough to show the pages; the yuyang scale has more households than that


def _officer(township: Division) -> User:
    return User(
        username=f"demo-{township.code}",
        role=Role.TOWNSHIP_OFFICER,
        township=township,
        is_active=True,
    )


def setup() -> str:
    term = Term.objects.filter(code=TERM).first()
    if term is None:
        return "  no term 2020-autumn: no publicity recorded"
    if Visit.objects.filter(term=term).exists() or Campaign.objects.filter(term=term).exists():
        return "  publicity already recorded for the term"
    admin = User(username="demo-county", role=Role.COUNTY_ADMIN, is_active=True)
    _record_broadcast(term, admin)
    rows = selectors.household_rows(admin, term)
    briefings = _record_briefings(term, rows)
    counts = _record_visits_and_cards(term, rows)
    report = selectors.coverage(admin, term).total
    return (
        f"  {briefings + 1} campaigns, {counts['visits']:,} home visits "
        f"({report.visited:,} of {report.households:,} households, {report.percent}); "
        f"cards: {counts['printed']:,} printed, {counts['delivered']:,} delivered, "
        f"{counts['signed']:,} signed"
    )


def _record_broadcast(term: Term, admin: User) -> None:
    """The county's broadcast."""
    actions.record_campaign(
        term=term,
        title="学生资助政策广播专题",
        kind=Campaign.Kind.MEDIA,
        held_on=date(2020, 9, 3),
        place="榆阳区广播电台、教体局微信公众号",
        audience=12_000,
        materials={"poster": 300},
        acting_user=admin,
    )


def _record_briefings(term: Term, rows: list[HouseholdRow]) -> int:
    """A briefing per township of the households; returns how many."""
    townships = {
        r.household.village.parent_id: r.household.village.parent
        for r in rows
        if r.household.village and r.household.village.parent
    }
    for i, township in enumerate(sorted(townships.values(), key=lambda d: d.code)):
        actions.record_campaign(
            term=term,
            title=f"{township.name}学生资助政策宣讲会",
            kind=Campaign.Kind.BRIEFING,
            held_on=date(2020, 9, 8) + timedelta(days=i % 10),
            township=township,
            place=f"{township.name}中心小学",
            audience=60 + 7 * (i % 9),
            materials={"policy_card": 80 + 5 * (i % 7), "brochure": 200, "parent_letter": 150},
            acting_user=_officer(township),
        )
    return len(townships)


def _record_visits_and_cards(term: Term, rows: list[HouseholdRow]) -> dict[str, int]:
    """Home visits to two of every three households (up to ``MAX_VISITS``), and their policy cards;
    returns the counts of ``visits``, ``printed``, ``delivered`` and ``signed``."""
    counts = dict.fromkeys(("visits", "printed", "delivered", "signed"), 0)
    for i, row in enumerate(rows[: MAX_VISITS * VISIT_SHARE // 2]):
        if i % VISIT_SHARE == VISIT_SHARE - 1:
            continue  # left for the township to visit
        household = row.household
        assert household.village is not None and household.village.parent is not None
        officer = _officer(household.village.parent)
        day = FIRST_VISIT + timedelta(days=i % 60)
        _record_visit(i, household, day, officer)
        counts["visits"] += 1
        for step in _card_steps(i, household, term, day, officer):
            counts[step] += 1
    return counts


def _record_visit(i: int, household: Household, day: date, officer: User) -> None:
    """The ``i``-th visit: most with the survey answered, some families not knowing a subsidy."""
    assert household.village is not None and household.village.parent is not None
    answers = {
        "compulsory_living": "no" if i % 7 == 0 else "yes",
        "hotline": "no" if i % 5 == 0 else "yes",
    }
    if i % 4 == 0:
        answers["student_loan"] = "no" if i % 8 == 0 else "yes"
    actions.record_visit(
        household=household,
        visited_on=day,
        visitors=f"{household.village.parent.name}教育专干、班主任",
        notes="宣讲资助政策，发放明白卡" if i % 2 else "",
        answers=answers if i % 10 != 9 else {},
        acting_user=officer,
    )


def _card_steps(i: int, household: Household, term: Term, day: date, officer: User) -> list[str]:
    """The visited household's policy card: printed for most, then most delivered and some signed;
    returns the steps taken (``printed``, ``delivered``, ``signed``)."""
    assert household.village is not None and household.village.parent is not None
    if i % 3 == 2:
        return []
    actions.mark_printed(households=[household], term=term, acting_user=officer)
    if i % 5 == 4:
        return ["printed"]
    actions.record_delivery(
        household=household,
        term=term,
        delivered_on=day,
        delivered_by=f"{household.village.parent.name}教育专干",
        acting_user=officer,
    )
    if i % 2 != 0:
        return ["printed", "delivered"]
    actions.record_signature(household=household, term=term, signed_on=day, acting_user=officer)
    return ["printed", "delivered", "signed"]
