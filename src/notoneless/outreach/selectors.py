"""Reads of publicity, scoped like the registers: the county roles see every household, a township
officer the households of the township's villages, a school officer or teacher the households of the
school's students this term. A household out of scope is not found (404).

Coverage (入户全覆盖): the households the term must reach are the registered-poor households (with a
village) that have a child of compulsory school age at the start of the term (``school_age_rule``) or a
member enrolled in the term; a household is covered once it has a visit in the term.

Awareness (知晓率): for each household and question, the latest answer of the term counts once; the rate
is the share of those answers that say the family knows. The follow-up list is the households whose
latest answer to a question says they do not know, while a child of theirs is entitled this term (a due
entitlement) to one of the programs the question asks about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from notoneless.accounts.models import Role
from notoneless.aid.models import Entitlement
from notoneless.outreach.access import may_read_outreach
from notoneless.outreach.models import (
    Campaign,
    CampaignMaterial,
    CardDelivery,
    Material,
    SurveyAnswer,
    Visit,
)
from notoneless.outreach.rules import default_rules
from notoneless.outreach.survey import Survey, default_survey
from notoneless.registry.models import (
    Division,
    Enrollment,
    Household,
    Person,
    PovertyMember,
    Term,
)
from notoneless.registry.school_age import school_age_rule
from notoneless.registry.selectors import (
    current_term,
    enrolments_for,
    is_county_wide,
    villages_with_households,
)

__all__ = [
    "AwarenessRow",
    "Child",
    "Coverage",
    "CoverageRow",
    "FollowUp",
    "HouseholdRow",
    "awareness",
    "campaigns_for",
    "card_of",
    "cards_for",
    "coverage",
    "follow_up",
    "get_campaign",
    "get_card",
    "get_household",
    "get_term",
    "get_visit",
    "household_rows",
    "households_for",
    "material_totals",
    "school_age_members",
    "term_of",
    "terms",
    "visits_for",
]


# --- terms ---------------------------------------------------------------------------------------


def terms() -> list[Term]:
    return list(Term.objects.order_by("-start_date"))


def get_term(code: str | None) -> Term:
    """The term by code (404 when there is none), or the current term when no code is given."""
    term = Term.objects.filter(code=code).first() if code else current_term()
    if term is None:
        raise Http404("no such term")
    return term


def term_of(day: date) -> Term | None:
    """The term holding the day; in a holiday, the term just before it."""
    return Term.objects.filter(start_date__lte=day).order_by("-start_date").first()


# --- scope ---------------------------------------------------------------------------------------


def households_for(user: Any, term: Term) -> QuerySet[Household]:
    """The households in the user's scope (any poverty status), with village and township."""
    households = Household.objects.select_related("village__parent")
    if not may_read_outreach(user):
        return households.none()
    if is_county_wide(user):
        return households.all()
    if user.role == Role.TOWNSHIP_OFFICER and user.township_id:
        return households.filter(village__in=villages_with_households(user))
    if user.school_id:
        # the households of the children enrolled at the user's schools this term
        enrolled = enrolments_for(user, term).values("student__person__household_id")
        return households.filter(pk__in=enrolled)
    return households.none()


def get_household(user: Any, household_id: int, term: Term) -> Household:
    household = households_for(user, term).filter(pk=household_id).first()
    if household is None:
        raise Http404("no such household")
    return household


@dataclass(frozen=True)
class Child:
    """A member of a household of school age in the term, or enrolled in it."""

    name: str
    birth_date: date | None
    enrolled: bool


BATCH = 5_000


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def school_age_members(
    households: Iterable[Household] | QuerySet[Household], term: Term
) -> dict[int, list[Child]]:
    """Per household, its members of compulsory school age at the start of the term (``school_age_rule``)
    or enrolled in the term: the persons of the household, and the members the poverty register lists
    (a child on the register who is no student is exactly the one a visit must find)."""
    rule = school_age_rule()

    def of_age(birth: date | None) -> bool:
        return birth is not None and rule.is_compulsory_age(birth, term.start_date)

    ids = (
        list(households.values_list("pk", flat=True))
        if isinstance(households, QuerySet)
        else [h.pk for h in households]
    )
    # by the households' ids, a batch at a time: as a nested scope subquery the database would
    # walk every enrolment of the county for a school's few hundred households
    enrolled: set[int] = set()
    persons: list[tuple[int, int, str, date | None, str]] = []
    members: list[tuple[int, str, date | None, str]] = []
    for batch in _batches(ids):
        enrolled.update(
            Enrollment.objects.filter(
                term=term, student__person__household_id__in=batch
            ).values_list("student__person_id", flat=True)
        )
        # a household is wholly in one batch: each keeps its members in order of birth
        persons += (
            Person.objects.filter(household_id__in=batch)
            .order_by("birth_date", "pk")
            .values_list("pk", "household_id", "name", "birth_date", "id_number_hash")
        )
        members += (
            PovertyMember.objects.filter(household_id__in=batch)
            .order_by("birth_date", "pk")
            .values_list("household_id", "name", "birth_date", "id_number_hash")
        )
    out: dict[int, list[Child]] = defaultdict(list)
    known: set[tuple[int, str]] = set()
    for pk, household_id, name, birth, id_hash in persons:
        known.add((household_id, id_hash or f"{name}|{birth}"))
        if pk in enrolled or of_age(birth):
            out[household_id].append(Child(name, birth, pk in enrolled))
    for household_id, name, birth, id_hash in members:
        if (household_id, id_hash or f"{name}|{birth}") not in known and of_age(birth):
            out[household_id].append(Child(name, birth, False))
    return dict(out)


# --- coverage ------------------------------------------------------------------------------------


@dataclass
class PlaceRow:
    """A township (``village_code`` empty) or village row of a per-place figure, with its rate."""

    township_code: str
    township: str
    village_code: str = ""
    village: str = ""
    households: int = 0

    @property
    def rate(self) -> float | None:
        raise NotImplementedError

    @property
    def percent(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate:.1%}"

    def place(self) -> dict[str, Any]:
        return {
            "township_code": self.township_code,
            "township": self.township,
            "village_code": self.village_code,
            "village": self.village,
            "households": self.households,
        }


@dataclass
class CoverageRow(PlaceRow):
    visited: int = 0

    @property
    def unvisited(self) -> int:
        return self.households - self.visited

    @property
    def rate(self) -> float | None:
        return self.visited / self.households if self.households else None

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.place(),
            "visited": self.visited,
            "unvisited": self.unvisited,
            "rate": None if self.rate is None else round(self.rate, 4),
        }


@dataclass
class Coverage:
    term: Term
    villages: list[CoverageRow]
    townships: list[CoverageRow]
    total: CoverageRow
    unvisited: list[Household] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "term": self.term.code,
            "total": self.total.as_dict(),
            "townships": [r.as_dict() for r in self.townships],
            "villages": [r.as_dict() for r in self.villages],
            "unvisited": [
                {
                    "household": h.number,
                    "head": h.head_name,
                    "village": h.village.name if h.village else "",
                }
                for h in self.unvisited
            ],
        }


def _place(village: Division) -> tuple[str, str, str, str]:
    township = village.parent
    return (
        township.code if township else "",
        township.name if township else "",
        village.code,
        village.name,
    )


def target_households(user: Any, term: Term) -> list[Household]:
    """The registered-poor households in scope, with a village and a school-age child (see above)."""
    registered = households_for(user, term).filter(
        poverty_status__in=default_rules().visit_statuses, village__isnull=False
    )
    ordered = list(registered.order_by("village__code", "number"))
    members = school_age_members(ordered, term)
    return [h for h in ordered if h.pk in members]


def coverage(user: Any, term: Term) -> Coverage:
    """The registered-poor households with a school-age child, and how many of them had a visit this
    term: per village, per township and in all."""
    targets = target_households(user, term)
    visited = set(
        Visit.objects.filter(term=term, household__in=[h.pk for h in targets]).values_list(
            "household_id", flat=True
        )
    )
    villages: dict[int, CoverageRow] = {}
    townships: dict[str, CoverageRow] = {}
    total = CoverageRow("", "")
    for household in targets:
        assert household.village is not None
        place = _place(household.village)
        row = villages.setdefault(household.village.pk, CoverageRow(*place))
        town = townships.setdefault(place[0], CoverageRow(place[0], place[1]))
        for r in (row, town, total):
            r.households += 1
            r.visited += household.pk in visited
    return Coverage(
        term=term,
        villages=sorted(villages.values(), key=lambda r: r.village_code),
        townships=sorted(townships.values(), key=lambda r: r.township_code),
        total=total,
        unvisited=[h for h in targets if h.pk not in visited],
    )


# --- awareness and follow-up ---------------------------------------------------------------------


@dataclass
class AwarenessRow(PlaceRow):
    answers: int = 0
    known: int = 0

    @property
    def rate(self) -> float | None:
        return self.known / self.answers if self.answers else None

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.place(),
            "answers": self.answers,
            "known": self.known,
            "rate": None if self.rate is None else round(self.rate, 4),
        }


@dataclass
class QuestionRate:
    code: str
    text: str
    answers: int = 0
    known: int = 0

    @property
    def rate(self) -> float | None:
        return self.known / self.answers if self.answers else None

    @property
    def percent(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate:.1%}"


@dataclass
class Awareness:
    term: Term
    villages: list[AwarenessRow]
    townships: list[AwarenessRow]
    total: AwarenessRow
    questions: list[QuestionRate]

    def as_dict(self) -> dict[str, Any]:
        return {
            "term": self.term.code,
            "total": self.total.as_dict(),
            "townships": [r.as_dict() for r in self.townships],
            "villages": [r.as_dict() for r in self.villages],
            "questions": [
                {
                    "question": q.code,
                    "text": q.text,
                    "answers": q.answers,
                    "known": q.known,
                    "rate": None if q.rate is None else round(q.rate, 4),
                }
                for q in self.questions
            ],
        }


@dataclass(frozen=True)
class LatestAnswer:
    household_id: int
    question: str
    answer: str
    visit_id: int
    visited_on: date


def latest_answers(user: Any, term: Term) -> list[LatestAnswer]:
    """Per household in scope and question, the answer of the term's latest visit that asked it."""
    rows = (
        SurveyAnswer.objects.filter(
            visit__term=term, visit__household__in=households_for(user, term)
        )
        .order_by("visit__visited_on", "visit_id")
        .values_list("visit__household_id", "question", "answer", "visit_id", "visit__visited_on")
    )
    latest: dict[tuple[int, str], LatestAnswer] = {}
    for household_id, question, answer, visit_id, visited_on in rows:
        latest[(household_id, question)] = LatestAnswer(
            household_id, question, answer, visit_id, visited_on
        )
    return list(latest.values())


def awareness(user: Any, term: Term, survey: Survey | None = None) -> Awareness:
    """The awareness rate (知晓率) per village, township, question and in all."""
    survey = survey or default_survey()
    answers = latest_answers(user, term)
    households = Household.objects.select_related("village__parent").in_bulk(
        {a.household_id for a in answers}
    )
    villages: dict[str, AwarenessRow] = {}
    townships: dict[str, AwarenessRow] = {}
    total = AwarenessRow("", "")
    questions = {q.code: QuestionRate(q.code, q.text) for q in survey.questions}
    seen: set[tuple[str, int]] = set()
    for a in answers:
        village = households[a.household_id].village
        place = _place(village) if village else ("", "", "", "")
        rows = [
            villages.setdefault(place[2], AwarenessRow(*place)),
            townships.setdefault(place[0], AwarenessRow(place[0], place[1])),
            total,
        ]
        for key, r in zip(("v" + place[2], "t" + place[0], "all"), rows, strict=True):
            r.answers += 1
            r.known += a.answer == SurveyAnswer.Answer.YES
            if (key, a.household_id) not in seen:
                seen.add((key, a.household_id))
                r.households += 1
        q = questions.setdefault(a.question, QuestionRate(a.question, a.question))
        q.answers += 1
        q.known += a.answer == SurveyAnswer.Answer.YES
    return Awareness(
        term=term,
        villages=sorted(villages.values(), key=lambda r: r.village_code),
        townships=sorted(townships.values(), key=lambda r: r.township_code),
        total=total,
        questions=list(questions.values()),
    )


@dataclass(frozen=True)
class FollowUp:
    """A household that does not know an entitlement a child of it has this term."""

    household: Household
    question: str
    question_text: str
    child: str
    programs: tuple[str, ...]  # program names, as the term's policy pack names them
    visit_id: int
    visited_on: date

    def as_dict(self) -> dict[str, Any]:
        village = self.household.village
        return {
            "household": self.household.number,
            "head": self.household.head_name,
            "township": village.parent.name if village and village.parent else "",
            "village": village.name if village else "",
            "question": self.question,
            "child": self.child,
            "programs": list(self.programs),
            "visited_on": self.visited_on.isoformat(),
        }


def _program_names(term: Term) -> dict[str, str]:
    from notoneless.aid.selectors import pack_for

    try:
        pack = pack_for(term.code)
    except Exception:  # a term without a usable pack still lists its codes
        return {}
    return {p.code: p.spec.name for p in pack.programs}


def follow_up(user: Any, term: Term, survey: Survey | None = None) -> list[FollowUp]:
    """Households whose latest answer says they do not know a program a child of theirs is due this
    term; one row per household, question and child."""
    survey = survey or default_survey()
    questions = survey.by_code
    unknown = [
        a
        for a in latest_answers(user, term)
        if a.answer == SurveyAnswer.Answer.NO
        and a.question in questions
        and questions[a.question].programs
    ]
    if not unknown:
        return []
    entitled: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    due = Entitlement.objects.filter(
        term=term,
        status=Entitlement.Status.DUE,
        program__in=survey.programs,
        student__person__household_id__in={a.household_id for a in unknown},
    ).values_list("student__person__household_id", "student__person__name", "program")
    for household_id, child, program in due:
        entitled[household_id][child].add(program)
    names = _program_names(term)
    households = Household.objects.select_related("village__parent").in_bulk(
        {a.household_id for a in unknown}
    )
    rows = []
    for a in unknown:
        asked = set(questions[a.question].programs)
        for child, programs in sorted(entitled.get(a.household_id, {}).items()):
            mine = sorted(asked & programs)
            if mine:
                rows.append(
                    FollowUp(
                        household=households[a.household_id],
                        question=a.question,
                        question_text=questions[a.question].shown,
                        child=child,
                        programs=tuple(names.get(p, p) for p in mine),
                        visit_id=a.visit_id,
                        visited_on=a.visited_on,
                    )
                )
    rows.sort(key=lambda r: (r.household.number, r.question, r.child))
    return rows


# --- visits and campaigns ------------------------------------------------------------------------


def visits_for(user: Any, term: Term) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(term=term, household__in=households_for(user, term))
        .select_related("household", "village__parent", "recorded_by")
        .prefetch_related("answers")
        .order_by("-visited_on", "-pk")
    )


def get_visit(user: Any, visit_id: int) -> Visit:
    visit = Visit.objects.select_related("term").filter(pk=visit_id).first()
    if visit is None or not households_for(user, visit.term).filter(pk=visit.household_id).exists():
        raise Http404("no such visit")
    return visit


def campaigns_for(user: Any, term: Term) -> QuerySet[Campaign]:
    """County-wide campaigns and, for a township officer or school role, those of its township; the
    county roles see all."""
    campaigns = (
        Campaign.objects.filter(term=term)
        .select_related("township", "village", "created_by")
        .prefetch_related("materials")
        .order_by("-held_on", "-pk")
    )
    if not may_read_outreach(user):
        return campaigns.none()
    if is_county_wide(user):
        return campaigns
    township = user.township_id if user.role == Role.TOWNSHIP_OFFICER else None
    if township is None and user.school_id:
        township = user.school.township_id
    return campaigns.filter(Q(township__isnull=True) | Q(township_id=township))


def get_campaign(user: Any, campaign_id: int) -> Campaign:
    campaign = Campaign.objects.select_related("term").filter(pk=campaign_id).first()
    if campaign is None or not campaigns_for(user, campaign.term).filter(pk=campaign.pk).exists():
        raise Http404("no such campaign")
    return campaign


def material_totals(campaigns: QuerySet[Campaign]) -> list[tuple[str, str, int]]:
    """(material, its label, count handed out) over the campaigns, most first."""
    rows = (
        CampaignMaterial.objects.filter(campaign__in=campaigns)
        .values("material")
        .annotate(total=Sum("count"))
        .order_by("-total", "material")
    )
    labels = dict(Material.choices)
    return [
        (r["material"], str(labels.get(r["material"], r["material"])), r["total"]) for r in rows
    ]


# --- cards ---------------------------------------------------------------------------------------


def cards_for(user: Any, term: Term) -> QuerySet[CardDelivery]:
    return CardDelivery.objects.filter(
        term=term, household__in=households_for(user, term)
    ).select_related("household__village__parent")


def card_of(household: Household, term: Term) -> CardDelivery | None:
    return CardDelivery.objects.filter(household=household, term=term).first()


def get_card(user: Any, card_id: int) -> CardDelivery:
    card = CardDelivery.objects.select_related("term", "household").filter(pk=card_id).first()
    if card is None or not households_for(user, card.term).filter(pk=card.household_id).exists():
        raise Http404("no such card")
    return card


# --- the household list --------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdRow:
    household: Household
    children: list[Child]
    visits: int
    last_visit: date | None
    card: str  # the card's state, or "" when none was printed

    @property
    def visited(self) -> bool:
        return self.visits > 0


def household_rows(
    user: Any, term: Term, *, village: str = "", only: str = ""
) -> list[HouseholdRow]:
    """The households the term must reach (see ``coverage``), optionally of one village (its code) and
    only the ``visited`` or ``unvisited`` ones, with their visits and card state."""
    registered = households_for(user, term).filter(
        poverty_status__in=default_rules().visit_statuses, village__isnull=False
    )
    if village:
        registered = registered.filter(village__code=village)
    ordered = list(registered.order_by("village__code", "number"))
    members = school_age_members(ordered, term)
    targets = [h for h in ordered if h.pk in members]
    ids = [h.pk for h in targets]
    visits: dict[int, tuple[int, date]] = {}
    for household_id, visited_on in (
        Visit.objects.filter(term=term, household__in=ids)
        .order_by("visited_on")
        .values_list("household_id", "visited_on")
    ):
        count = visits.get(household_id, (0, visited_on))[0]
        visits[household_id] = (count + 1, visited_on)
    cards = dict(
        CardDelivery.objects.filter(term=term, household__in=ids).values_list(
            "household_id", "state"
        )
    )
    rows = [
        HouseholdRow(
            household=h,
            children=members[h.pk],
            visits=visits.get(h.pk, (0, None))[0],
            last_visit=visits.get(h.pk, (0, None))[1],
            card=cards.get(h.pk, ""),
        )
        for h in targets
    ]
    if only == "visited":
        return [r for r in rows if r.visited]
    if only == "unvisited":
        return [r for r in rows if not r.visited]
    return rows
