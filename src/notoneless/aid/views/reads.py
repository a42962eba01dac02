"""Reads the aid pages need around ``aid.selectors``: the terms to choose from, the last computation, a
school's row in the term, names for codes and ids, a ledger row with its payment. Scoped like the
selectors they build on; each runs a fixed number of queries however many rows it returns.

(Candidates for ``aid.selectors`` once the pages settle.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from notoneless.aid import ledger as aid_ledger
from notoneless.aid import packs_store, selectors
from notoneless.aid.models import (
    AidTerm,
    ComputeRun,
    Entitlement,
    Payee,
    SchoolList,
)
from notoneless.aid.views.common import wan, yuan
from notoneless.registry import selectors as registry
from notoneless.registry.models import Enrollment, School, Student, Term

DUE = Q(status=Entitlement.Status.DUE)
OVER = Q(status=Entitlement.Status.OVER_QUOTA)
PAID_HERE = DUE & ~Q(payee=Payee.RECORDED)  # what other agencies pay stays outside the totals

# --- terms ---------------------------------------------------------------------------------------


def terms_with_roster() -> list[Term]:
    """Terms that have a student roster, newest first."""
    enrolled = Enrollment.objects.filter(term=OuterRef("pk"))
    return list(Term.objects.filter(Exists(enrolled)).order_by("-start_date"))


def chosen_term(code: str | None, terms: Sequence[Term]) -> Term | None:
    """The term asked for (404 if it has no roster), else the current one, else the newest."""
    if code:
        for term in terms:
            if term.code == code:
                return term
        raise Http404("no such term")
    current = registry.current_term()
    if current is not None and any(t.pk == current.pk for t in terms):
        return current
    return terms[0] if terms else None


def last_run(aid_term: AidTerm | None) -> ComputeRun | None:
    if aid_term is None:
        return None
    runs = aid_term.runs.defer("facts").select_related("acting_user")
    return runs.order_by("-number").first()


def aid_term_with_people(code: str) -> AidTerm | None:
    """The term's aid cycle with who compiled and approved it."""
    found = selectors.aid_term_for(code)
    if found is None:
        return None
    related = ("term", "pack", "compiled_by", "approved_by")
    return AidTerm.objects.select_related(*related).get(pk=found.pk)


# --- the term's summary --------------------------------------------------------------------------


@dataclass(frozen=True)
class Total:
    fen: int

    @property
    def yuan(self) -> str:
        return yuan(self.fen)

    @property
    def wan(self) -> str:
        return wan(self.fen)


@dataclass(frozen=True)
class SummaryPage:
    """The summary with each amount ready to show: (program, its total) pairs, and the totals."""

    programs: list[tuple[selectors.ProgramTotal, Total]]
    recorded: list[tuple[selectors.ProgramTotal, Total]]
    families: Total
    schools: Total
    total: Total


def summary_page(user: Any, term_code: str) -> SummaryPage:
    found = selectors.summary(user, term_code)
    return SummaryPage(
        [(p, Total(p.fen)) for p in found.programs],
        [(p, Total(p.fen)) for p in found.recorded],
        Total(found.total("family")),
        Total(found.total("school")),
        Total(found.total()),
    )


def program_names(term_code: str, aid_term: AidTerm | None = None) -> dict[str, str]:
    """Program names by code, from the term's pack (``aid_term``, when given, saves looking it up)."""
    pack = packs_store.load(aid_term.pack) if aid_term else selectors.pack_for(term_code)
    return {p.code: p.spec.name for p in pack.programs}


all_program_names = aid_ledger.all_program_names


# --- schools in the term -------------------------------------------------------------------------


@dataclass
class SchoolRow:
    school: School
    entitlements: int
    students: int
    fen: int
    over_quota: int
    listing: SchoolList | None

    @property
    def yuan(self) -> str:
        return yuan(self.fen)

    @property
    def state(self) -> str:
        return self.listing.state if self.listing else SchoolList.State.DRAFT

    @property
    def state_label(self) -> str:
        return str(SchoolList.State(self.state).label)


def school_rows(user: Any, term: Term) -> list[SchoolRow]:
    """Each school in scope with students or entitlements this term: entitlements due, students, amount
    (what other agencies pay left out, as in the summary), those not funded within quota, and its list."""
    stats = {
        r["school_id"]: r
        for r in selectors.ledger(user, term_code=term.code)
        .prefetch_related(None)
        .order_by()
        .values("school_id")
        .annotate(
            n=Count("id", filter=PAID_HERE),
            students=Count("student_id", filter=PAID_HERE, distinct=True),
            fen=Sum("amount_fen", filter=PAID_HERE),
            over=Count("id", filter=OVER),
        )
    }
    aid_term = selectors.aid_term_for(term.code)
    listings = {s.school_id: s for s in SchoolList.objects.filter(aid_term=aid_term).order_by("pk")}
    rows = []
    for school in registry.schools_for(user, term=term):
        r = stats.get(school.pk, {"n": 0, "students": 0, "fen": 0, "over": 0})
        enrolled = getattr(school, "student_count", 0)
        if not (r["n"] or r["over"] or enrolled or school.pk in listings):
            continue
        rows.append(
            SchoolRow(
                school,
                r["n"],
                r["students"],
                int(r["fen"] or 0),
                r["over"],
                listings.get(school.pk),
            )
        )
    return rows


def school_listing(aid_term: AidTerm | None, school: School) -> SchoolList | None:
    if aid_term is None:
        return None
    return (
        SchoolList.objects.filter(aid_term=aid_term, school=school)
        .select_related("submitted_by")
        .first()
    )


@dataclass(frozen=True)
class ProgramCount:
    code: str
    name: str
    students: int
    fen: int
    over_quota: int

    @property
    def yuan(self) -> str:
        return yuan(self.fen)


def program_counts(
    entitlements: QuerySet[Entitlement], names: dict[str, str]
) -> list[ProgramCount]:
    """Per program of a list: students due, amount due, those not funded within quota."""
    rows = (
        entitlements.order_by()
        .values("program")
        .annotate(
            n=Count("id", filter=DUE),
            fen=Sum("amount_fen", filter=DUE),
            over=Count("id", filter=OVER),
        )
    )
    found = {r["program"]: r for r in rows}
    ordered = [c for c in names if c in found] + sorted(c for c in found if c not in names)
    return [
        ProgramCount(c, names.get(c, c), found[c]["n"], int(found[c]["fen"] or 0), found[c]["over"])
        for c in ordered
    ]


@dataclass(frozen=True)
class ListRow:
    entitlement: Entitlement
    program: str

    @property
    def yuan(self) -> str:
        return yuan(self.entitlement.amount_fen)


def list_rows(entitlements: Iterable[Entitlement], names: dict[str, str]) -> list[ListRow]:
    return [ListRow(e, names.get(e.program, e.program)) for e in entitlements]


# --- people named by id --------------------------------------------------------------------------


def students_by_id(ids: Iterable[int]) -> dict[int, Student]:
    """Students (with the person's name) of ids the caller already scoped."""
    found = Student.objects.filter(pk__in=list(set(ids))).select_related("person")
    return {s.pk: s for s in found}


def schools_by_id(ids: Iterable[int]) -> dict[int, School]:
    return {s.pk: s for s in School.objects.filter(pk__in=list(set(ids)))}


# --- gaps ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapRow:
    gap: selectors.Gap
    student: Student | None
    school: School | None
    program: str


def gap_counts(gaps: Sequence[selectors.Gap], key: str) -> list[tuple[str, int]]:
    """How many gaps per reason (or program), most first."""
    counts: dict[str, int] = {}
    for gap in gaps:
        value = getattr(gap, key)
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def gap_rows(gaps: Sequence[selectors.Gap], names: dict[str, str]) -> list[GapRow]:
    """The gaps with their students, schools and program names: two queries for any number."""
    students = students_by_id(g.student_id for g in gaps)
    schools = schools_by_id(g.school_id for g in gaps)
    return [
        GapRow(
            g,
            students.get(g.student_id),
            schools.get(g.school_id),
            names.get(g.program, g.program),
        )
        for g in gaps
    ]
