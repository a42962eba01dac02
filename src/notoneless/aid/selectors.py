"""Reads of aid: explanations, summaries, gaps and ledgers, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from notoneless.aid import bulk, packs_store
from notoneless.aid.errors import AidRefused
from notoneless.aid.explain import why, why_not
from notoneless.aid.facts import FACTS
from notoneless.aid.models import (
    AidTerm,
    Entitlement,
    PaymentLine,
    PolicyPack,
    SchoolList,
    StudentLoan,
)
from notoneless.aid.payments import family_accounts
from notoneless.aid.policy import DEFAULT_PACK, CompiledProgram, Pack, load_pack, pack_path
from notoneless.lib import money
from notoneless.registry.models import School, Student, Term
from notoneless.registry.selectors import is_county_wide, schools_for

# --- the term and its pack -----------------------------------------------------------------------------


def get_term(code: str) -> Term:
    term = Term.objects.filter(code=code).first()
    if term is None:
        raise AidRefused(_("No term %(term)s: import its student roster first.") % {"term": code})
    return term


def aid_term_for(code: str) -> AidTerm | None:
    return AidTerm.objects.select_related("term", "pack").filter(term__code=code).first()


def pack_for(term_code: str) -> Pack:
    """The pack the term is computed with; before its first computation, the one it would use."""
    aid_term = aid_term_for(term_code)
    if aid_term is not None:
        return packs_store.load(aid_term.pack)
    stored = packs_store.active_pack_for(term_code)
    return packs_store.load(stored) if stored else load_pack(pack_path(DEFAULT_PACK))


def facts_for(term: Term, pack: Pack, *, student_id: int | None = None) -> pl.DataFrame:
    """The facts a frozen term was computed from, or today's facts for an open one."""
    aid_term = aid_term_for(term.code)
    if aid_term is not None and aid_term.frozen:
        run = aid_term.runs.order_by("-number").first()
        if run is not None:
            facts = bulk.from_parquet(run.facts)
            if student_id is not None:
                facts = facts.filter(pl.col("student_id") == student_id)
            return facts
    return bulk.read_facts(term.pk, term.school_year, term.season, pack, student_id=student_id)


# --- explain --------------------------------------------------------------------------------------------


@dataclass
class ProgramVerdict:
    code: str
    name: str
    applies: bool
    reason: str
    amount_fen: int | None = None
    status: str = ""


@dataclass
class Explanation:
    student: Student
    term: str
    enrolled: bool
    facts: dict[str, str] = field(default_factory=dict)
    verdicts: list[ProgramVerdict] = field(default_factory=list)
    frozen: bool = False


def explain(user: Any, student_id: int, term_code: str) -> Explanation:
    from notoneless.registry.selectors import get_student

    student = get_student(user, student_id)
    term = get_term(term_code)
    pack = pack_for(term_code)
    facts = facts_for(term, pack, student_id=student.pk)
    aid_term = aid_term_for(term_code)
    out = Explanation(
        student, term_code, facts.height > 0, frozen=bool(aid_term and aid_term.frozen)
    )
    if facts.height == 0:
        return out
    row = facts.row(0, named=True)
    out.facts = {str(f.label): f.show(row.get(name)) for name, f in FACTS.items()}
    stored = {e.program: e for e in Entitlement.objects.filter(student=student, term=term)}
    for program in pack.programs_in(term_code):
        out.verdicts.append(_verdict(program, pack, row, stored.get(program.code), term_code))
    return out


def _verdict(
    program: CompiledProgram, pack: Pack, row: dict[str, Any], stored: Entitlement | None, term: str
) -> ProgramVerdict:
    spec = program.spec
    verdict = ProgramVerdict(spec.code, spec.name, False, "")
    if program.when is None:
        verdict.reason = _("recorded from loan applications, not computed from the registers")
        return verdict
    if row["stage"] not in spec.stages:
        stages = "、".join(FACTS["stage"].show(s) for s in spec.stages)
        verdict.reason = _("for %(stages)s; the student is in %(stage)s") % {
            "stages": stages,
            "stage": FACTS["stage"].show(row["stage"]),
        }
        return verdict
    from notoneless.aid.conditions import test

    verdict.applies = test(program.when, row, pack.named.nodes)
    if verdict.applies:
        verdict.reason = why(program.when, row, pack.named)
        amount = pl.DataFrame([row]).select(bulk.amount_expr(program, term)).item()
        verdict.amount_fen = int(amount) if amount is not None else None
    else:
        verdict.reason = why_not(program.when, row, pack.named)
    if stored is not None:
        verdict.status = stored.get_status_display()
        verdict.amount_fen = stored.amount_fen
    return verdict


# --- summary --------------------------------------------------------------------------------------------


@dataclass
class ProgramTotal:
    code: str
    name: str
    payee: str
    students: int
    fen: int
    paid_by: str = ""

    @property
    def yuan(self) -> Decimal:
        return money.yuan(self.fen)

    @property
    def wan_yuan(self) -> Decimal:
        return money.wan(self.fen)


@dataclass
class Summary:
    term: str
    programs: list[ProgramTotal]
    recorded: list[ProgramTotal]

    def total(self, payee: str | None = None) -> int:
        return sum(p.fen for p in self.programs if payee is None or p.payee == payee)

    def as_dict(self) -> dict[str, Any]:
        def row(p: ProgramTotal) -> dict[str, Any]:
            return {
                "program": p.code,
                "name": p.name,
                "payee": p.payee,
                "students": p.students,
                "yuan": str(p.yuan),
                "wan_yuan": str(p.wan_yuan),
                "paid_by": p.paid_by,
            }

        return {
            "term": self.term,
            "programs": [row(p) for p in self.programs],
            "paid_to_families_yuan": str(money.yuan(self.total("family"))),
            "paid_to_schools_yuan": str(money.yuan(self.total("school"))),
            "total_yuan": str(money.yuan(self.total())),
            "recorded_other_agencies": [row(p) for p in self.recorded],
        }


def summary(user: Any, term_code: str) -> Summary:
    """Per program the students and amount due, families and schools apart, then what other agencies
    paid (outside the totals)."""
    get_term(term_code)
    pack = pack_for(term_code)
    rows = (
        _entitlements(user, term_code)
        .filter(status=Entitlement.Status.DUE)
        .values("program")
        .annotate(n=Count("student_id", distinct=True), fen=Sum("amount_fen"))
    )
    found = {r["program"]: r for r in rows}
    programs: list[ProgramTotal] = []
    recorded: list[ProgramTotal] = []
    for program in pack.programs_in(term_code):
        spec = program.spec
        if spec.kind == "loan":
            recorded.append(_loans_total(program, term_code))
            continue
        r = found.get(spec.code, {"n": 0, "fen": 0})
        total = ProgramTotal(
            spec.code, spec.name, spec.payee, r["n"], int(r["fen"] or 0), spec.paid_by
        )
        (recorded if spec.payee == "recorded" else programs).append(total)
    return Summary(term_code, programs, recorded)


def _loans_total(program: CompiledProgram, term_code: str) -> ProgramTotal:
    """Loans are per school year: counted in the autumn term."""
    year, season = term_code.split("-")
    loans = (
        StudentLoan.objects.filter(school_year=int(year))
        if season == "autumn"
        else StudentLoan.objects.none()
    )
    agg = loans.aggregate(n=Count("id"), fen=Sum("amount_fen"))
    spec = program.spec
    return ProgramTotal(
        spec.code, spec.name, spec.payee, agg["n"] or 0, int(agg["fen"] or 0), spec.paid_by
    )


def five_year_view(user: Any) -> list[dict[str, Any]]:
    """Amount due and paid per calendar year (autumn terms fall in their year, spring in the next) and
    program."""
    rows = (
        _entitlements(user, None)
        .filter(status=Entitlement.Status.DUE)
        .values("term__code", "program")
        .annotate(
            fen=Sum("amount_fen"),
            paid=Sum("payments__amount_fen", filter=Q(payments__status=PaymentLine.Status.PAID)),
        )
    )
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for r in rows:
        year, season = r["term__code"].split("-")
        calendar = int(year) + (1 if season == "spring" else 0)
        entry = out.setdefault(
            (calendar, r["program"]),
            {"year": calendar, "program": r["program"], "due_fen": 0, "paid_fen": 0},
        )
        entry["due_fen"] += int(r["fen"] or 0)
        entry["paid_fen"] += int(r["paid"] or 0)
    return [out[k] for k in sorted(out)]


def _entitlements(user: Any, term_code: str | None) -> QuerySet[Entitlement]:
    qs = Entitlement.objects.all()
    if term_code is not None:
        qs = qs.filter(term__code=term_code)
    if not is_county_wide(user):
        qs = qs.filter(school__in=schools_for(user))
    return qs


# --- gaps: nobody missed --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    student_id: int
    program: str
    school_id: int
    reason: str
    detail: str = ""


def gaps(user: Any, term_code: str) -> tuple[list[Gap], list[Gap]]:
    """(missed, not funded within quota): students who meet a paid program's conditions today (or in
    the frozen facts) and have no entitlement or no successful payment, each with what blocks it."""
    term = get_term(term_code)
    pack = pack_for(term_code)
    facts = facts_for(term, pack)
    if not is_county_wide(user):
        ids = list(schools_for(user).values_list("pk", flat=True))
        facts = facts.filter(pl.col("school_id").is_in(ids))
    due = bulk.evaluate(facts, pack, term_code).filter(pl.col("payee") != "recorded")
    stored = {
        (e.student_id, e.program): e
        for e in _entitlements(user, term_code).prefetch_related("payments")
    }
    aid_term = aid_term_for(term_code)
    submitted = (
        set(
            SchoolList.objects.filter(
                aid_term=aid_term, state=SchoolList.State.SUBMITTED
            ).values_list("school_id", flat=True)
        )
        if aid_term
        else set()
    )
    carded = _students_with_card(due["student_id"].unique().to_list())
    missed, over = [], []
    for student_id, program, school_id, payee, status in due.select(
        "student_id", "program", "school_id", "payee", "status"
    ).iter_rows():
        entitlement = stored.get((student_id, program))
        if status == "over_quota" or (
            entitlement and entitlement.status == Entitlement.Status.OVER_QUOTA
        ):
            over.append(Gap(student_id, program, school_id, _("not funded within quota")))
            continue
        reason = _blocking_reason(entitlement, aid_term, submitted, payee, student_id in carded)
        if reason:
            missed.append(Gap(student_id, program, school_id, *reason))
    return missed, over


def _blocking_reason(
    entitlement: Entitlement | None,
    aid_term: AidTerm | None,
    submitted: set[int],
    payee: str,
    has_card: bool,
) -> tuple[str, str] | None:
    if entitlement is None:
        return str(_("no entitlement: the term has not been computed since the facts changed")), ""
    lines = sorted(entitlement.payments.all(), key=lambda line: line.pk)
    if any(line.status == PaymentLine.Status.PAID for line in lines):
        return None
    if lines and lines[-1].status == PaymentLine.Status.PENDING:
        return str(_("paid out, awaiting the bank's return file")), ""
    if lines and lines[-1].status == PaymentLine.Status.FAILED:
        return str(_("payment failed")), lines[-1].bank_reason
    if payee == "family" and not has_card:
        return str(_("no usable bank account")), ""
    if entitlement.school_id not in submitted and not (
        aid_term and aid_term.state != AidTerm.State.OPEN
    ):
        return str(_("school list not yet submitted")), ""
    if aid_term is None or aid_term.state != AidTerm.State.APPROVED:
        return str(_("term not yet approved")), ""
    return str(_("not yet paid")), ""


def _students_with_card(student_ids: list[int]) -> set[int]:
    """Students whose person has an account the payments would use (``payments.family_accounts``)."""
    persons = dict(Student.objects.filter(pk__in=student_ids).values_list("person_id", "pk"))
    return {persons[p] for p in family_accounts(list(persons))}


# --- lists and ledgers ---------------------------------------------------------------------------------


def school_list(user: Any, term_code: str, school_id: int) -> QuerySet[Entitlement]:
    school = schools_for(user).filter(pk=school_id).first()
    if school is None:
        raise AidRefused(_("That school is not one of yours."))
    return (
        _entitlements(user, term_code)
        .filter(school=school)
        .select_related("student__person")
        .order_by("grade", "class_name", "student__person__name", "program")
    )


def ledger(
    user: Any, stage: str | None = None, term_code: str | None = None
) -> QuerySet[Entitlement]:
    """台账: one row per student, program and term, with amount, status, batch and paid date."""
    qs = _entitlements(user, term_code).select_related("student__person", "school", "term")
    if stage:
        qs = qs.filter(stage=stage)
    return qs.prefetch_related("payments__batch").order_by(
        "term__start_date", "school__code", "grade", "class_name", "student_id", "program"
    )


def packs() -> QuerySet[PolicyPack]:
    return PolicyPack.objects.all()


def schools_in_term(user: Any, term_code: str) -> QuerySet[School]:
    ids = _entitlements(user, term_code).values("school_id")
    return schools_for(user).filter(pk__in=ids).order_by("code")


def loan_ceiling_fen() -> int | None:
    """The yearly ceiling of the loan program in the active packs (or the shipped default pack)."""
    stored = PolicyPack.objects.filter(active=True)
    packs = [packs_store.load(p) for p in stored] or [load_pack(pack_path(DEFAULT_PACK))]
    for pack in packs:
        for program in pack.programs:
            ceiling = program.spec.amount.max_yuan_per_year
            if program.spec.kind == "loan" and ceiling is not None:
                return int(ceiling * 100)
    return None
