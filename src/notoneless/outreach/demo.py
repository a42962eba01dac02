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
from notoneless.registry.models import Division, Term

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
    rows = selectors.household_rows(admin, term)
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
    visits = signed = delivered = printed = 0
    for i, row in enumerate(rows[: MAX_VISITS * VISIT_SHARE // 2]):
        if i % VISIT_SHARE == VISIT_SHARE - 1:
            continue  # left for the township to visit
        household = row.household
        assert household.village is not None and household.village.parent is not None
        officer = _officer(household.village.parent)
        day = FIRST_VISIT + timedelta(days=i % 60)
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
        visits += 1
        if i % 3 == 2:
            continue
        actions.mark_printed(households=[household], term=term, acting_user=officer)
        printed += 1
        if i % 5 == 4:
            continue
        actions.record_delivery(
            household=household,
            term=term,
            delivered_on=day,
            delivered_by=f"{household.village.parent.name}教育专干",
            acting_user=officer,
        )
        delivered += 1
        if i % 2 == 0:
            actions.record_signature(
                household=household, term=term, signed_on=day, acting_user=officer
            )
            signed += 1
    report = selectors.coverage(admin, term).total
    return (
        f"  {len(townships) + 1} campaigns, {visits:,} home visits "
        f"({report.visited:,} of {report.households:,} households, {report.percent}); "
        f"cards: {printed:,} printed, {delivered:,} delivered, {signed:,} signed"
    )
