"""Printed aid documents: a school's public notice (公示) and the household policy card (明白卡).

Each is built first as plain data (``Notice``, ``Card``) and then laid out twice from that same data: as a
standalone printable HTML page (``aid/print/*.html``) and as a PDF (``lib.pdf``). The documents are Chinese
official forms whatever language the screens are in, so their wording is Chinese and lives here, in one
place for both layouts, rather than in gettext; messages to the person printing (refusals) use gettext.

A notice is posted on a wall: it shows name, grade, class, the program's neutral ``notice_label`` and the
amount, never an ID or student number, birth date, address, phone, bank card, hardship grade or reason, or
any word that tells a family's circumstances. A card goes to the family itself and names programs in full.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from notoneless.accounts.models import Role
from notoneless.aid import conditions, packs_store, selectors
from notoneless.aid.errors import AidRefused
from notoneless.aid.models import (
    AidOffice,
    AidTerm,
    Entitlement,
    PaymentLine,
    PolicyPack,
    StudentLoan,
)
from notoneless.aid.policy import CompiledProgram, Pack, term_key
from notoneless.audit.actions import record
from notoneless.lib import workdays
from notoneless.lib.chinese import BLANK, chinese_date, grade_label
from notoneless.lib.money import show_yuan
from notoneless.lib.pdf import Column, Document
from notoneless.registry import choices
from notoneless.registry.models import (
    Enrollment,
    Household,
    PovertyMember,
    School,
    Student,
    Term,
)
from notoneless.registry.selectors import is_county_wide, schools_for

__all__ = [
    "Card",
    "Notice",
    "Printed",
    "aid_office",
    "cards_html",
    "cards_pdf",
    "household_cards",
    "notice_html",
    "notice_pdf",
    "print_cards",
    "print_notice",
    "school_notice",
    "set_aid_office",
]

NOTICE_WORKING_DAYS = 5
# Words a notice label must never carry: each tells a family's circumstances to whoever reads the wall.
NOTICE_FORBIDDEN = ("建档立卡", "贫困", "扶贫", "低保", "特困", "困难", "残疾", "孤儿", "留守")
PAYEES_ON_NOTICE = ("family", "school")
STAGE_NAMES = {
    "preschool": "学前教育",
    "primary": "小学",
    "junior": "初中",
    "senior": "普通高中",
    "vocational": "中等职业教育",
    "university": "高等教育",
}
NOTICE_COLUMNS = ("序号", "姓名", "年级", "班级", "资助项目", "金额（元）")
CARD_COLUMNS = ("学期", "资助项目", "金额（元）", "发放情况")
LOAN_COLUMNS = ("姓名", "就读学校", "贷款金额（元）", "发放情况")
STATUS_WORDS = {
    "paid": "已发放",
    "pending": "发放中（待银行到账）",
    "due": "待发放",
}


# --- words shared by both documents --------------------------------------------------------------------


yuan = show_yuan


def term_label(code: str) -> str:
    """2020-autumn is 2020年秋季学期; 2020-spring, the second term of that school year, 2021年春季学期."""
    year, second = term_key(code)
    return f"{year + second}年{'春季' if second else '秋季'}学期"


@dataclass(frozen=True)
class Office:
    """The aid office as printed; ``phone`` is empty until the county sets it (a blank line is printed)."""

    name: str = ""
    phone: str = ""
    address: str = ""

    @property
    def phone_line(self) -> str:
        return f"资助咨询电话：{self.phone or BLANK}"

    @property
    def name_or_generic(self) -> str:
        return self.name or "县（区）学生资助管理部门"


def aid_office() -> Office:
    office = AidOffice.objects.filter(pk=AidOffice.SINGLETON).first()
    if office is None:
        return Office()
    return Office(office.name.strip(), office.phone.strip(), office.address.strip())


def set_aid_office(*, name: str, phone: str, address: str = "", acting_user: Any) -> AidOffice:
    """Set the county aid office's name, phone and address as the documents print them."""
    if not name.strip() or not phone.strip():
        raise AidRefused(_("The aid office needs a name and a phone number."))
    with transaction.atomic():
        office, _created = AidOffice.objects.update_or_create(
            pk=AidOffice.SINGLETON,
            defaults={"name": name.strip(), "phone": phone.strip(), "address": address.strip()},
        )
        record(
            "aid.office.set",
            acting_user=acting_user,
            object_type="AidOffice",
            object_id=office.pk,
            detail={"name": office.name, "phone": office.phone, "address": office.address},
        )
    return office


# --- the public notice (公示) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRow:
    number: int
    name: str
    grade: str
    class_name: str
    label: str
    fen: int

    @property
    def yuan(self) -> str:
        return yuan(self.fen)


@dataclass(frozen=True)
class NoticeTotal:
    label: str
    count: int
    fen: int

    @property
    def yuan(self) -> str:
        return yuan(self.fen)


@dataclass(frozen=True)
class Notice:
    """One school's aid list for a term, as posted: only what a wall may show."""

    school_code: str
    school_name: str
    term_code: str
    rows: list[NoticeRow]
    totals: list[NoticeTotal]
    students: int
    posted_on: date | None
    last_day: date | None
    office: Office
    columns: tuple[str, ...] = NOTICE_COLUMNS

    @property
    def title(self) -> str:
        return f"{self.school_name}{term_label(self.term_code)}学生资助公示"

    @property
    def intro(self) -> str:
        return f"经学校审核，现将本校{term_label(self.term_code)}学生资助名单公示如下："

    @property
    def total_fen(self) -> int:
        return sum(t.fen for t in self.totals)

    @property
    def totals_line(self) -> str:
        parts = "；".join(f"{t.label}{t.count}人次，{t.yuan}元" for t in self.totals)
        return f"合计：资助学生{self.students}人，金额{yuan(self.total_fen)}元。其中{parts}。"

    @property
    def period_line(self) -> str:
        if self.posted_on is None or self.last_day is None:
            return f"公示期：{BLANK}至{BLANK}（{NOTICE_WORKING_DAYS}个工作日）。"
        return (
            f"公示期：{chinese_date(self.posted_on)}至{chinese_date(self.last_day)}"
            f"（{NOTICE_WORKING_DAYS}个工作日）。"
        )

    @property
    def objection_line(self) -> str:
        return (
            f"如对公示名单有异议，请在公示期内以书面或电话形式向学校或"
            f"{self.office.name_or_generic}反映。"
        )

    @property
    def signature(self) -> str:
        return self.school_name

    @property
    def signature_date(self) -> str:
        return chinese_date(self.posted_on) if self.posted_on else BLANK


def school_notice(user: Any, aid_term: AidTerm, school: School) -> Notice:
    """The notice of one school's list: the due entitlements of programs the bureau pays, with the
    posting period from the list's ``notice_start`` to the last of its working days. A school officer
    may print only their own school's."""
    if not schools_for(user).filter(pk=school.pk).exists():
        raise AidRefused(_("%(school)s is not one of your schools.") % {"school": school.name})
    pack = packs_store.load(aid_term.pack)
    entitlements = list(
        Entitlement.objects.filter(
            aid_term=aid_term,
            school=school,
            status=Entitlement.Status.DUE,
            payee__in=PAYEES_ON_NOTICE,
            amount_fen__gt=0,
        ).select_related("student__person")
    )
    if not entitlements:
        raise AidRefused(_("%(school)s has nobody entitled this term.") % {"school": school.name})
    labels = _notice_labels(pack, {e.program for e in entitlements})
    order = {p.code: p.index for p in pack.programs}
    entitlements.sort(
        key=lambda e: (
            e.grade,
            e.class_name,
            e.student.person.name_norm,
            e.student_id,
            order.get(e.program, 99),
        )
    )
    rows = [
        NoticeRow(
            i,
            e.student.person.name,
            grade_label(e.stage, e.grade),
            e.class_name,
            labels[e.program],
            e.amount_fen,
        )
        for i, e in enumerate(entitlements, start=1)
    ]
    posted_on, last_day = _posting_period(aid_term, school)
    return Notice(
        school_code=school.code,
        school_name=school.name,
        term_code=aid_term.term.code,
        rows=rows,
        totals=_notice_totals(rows),
        students=len({e.student_id for e in entitlements}),
        posted_on=posted_on,
        last_day=last_day,
        office=aid_office(),
    )


def _notice_labels(pack: Pack, codes: set[str]) -> dict[str, str]:
    """Each program's neutral label; a label that would tell a family's circumstances is refused."""
    labels = {}
    for code in codes:
        program = pack.by_code.get(code)
        label = program.spec.notice_label.strip() if program else ""
        if not label:
            raise AidRefused(
                _("Program %(program)s has no notice label in pack %(pack)s.")
                % {"program": code, "pack": pack.code}
            )
        if any(word in label for word in NOTICE_FORBIDDEN):
            raise AidRefused(
                _(
                    "The notice label of %(program)s (“%(label)s”) tells a family's circumstances; "
                    "give it a neutral label in the pack before printing."
                )
                % {"program": code, "label": label}
            )
        labels[code] = label
    return labels


def _notice_totals(rows: list[NoticeRow]) -> list[NoticeTotal]:
    totals: dict[str, list[int]] = {}
    for row in rows:
        count_fen = totals.setdefault(row.label, [0, 0])
        count_fen[0] += 1
        count_fen[1] += row.fen
    return [NoticeTotal(label, count, fen) for label, (count, fen) in totals.items()]


def _posting_period(aid_term: AidTerm, school: School) -> tuple[date | None, date | None]:
    """(first day, last day) of the posting; both None until the school has set its notice start."""
    listing = aid_term.school_lists.filter(school=school).first()
    if listing is None or listing.notice_start is None:
        return None, None
    try:
        ends = workdays.notice_ends(listing.notice_start, NOTICE_WORKING_DAYS)
    except workdays.CalendarNotCovered as exc:
        raise AidRefused(str(exc)) from None
    return listing.notice_start, ends - timedelta(days=1)


# --- the household policy card (明白卡) -----------------------------------------------------------------


@dataclass(frozen=True)
class CardLine:
    term: str
    program: str
    fen: int
    status: str

    @property
    def yuan(self) -> str:
        return yuan(self.fen)


@dataclass(frozen=True)
class CardOption:
    program: str
    how: str

    @property
    def text(self) -> str:
        return f"{self.program}：{self.how}"


@dataclass
class CardChild:
    name: str
    school: str
    stage: str
    grade: str
    lines: list[CardLine] = field(default_factory=list)
    options: list[CardOption] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return "　".join(p for p in (self.name, self.school, self.stage, self.grade) if p)

    @property
    def total_fen(self) -> int:
        return sum(line.fen for line in self.lines)


@dataclass(frozen=True)
class CardLoan:
    name: str
    university: str
    program: str
    fen: int
    status: str

    @property
    def yuan(self) -> str:
        return yuan(self.fen)


@dataclass
class Card:
    """One household's sheet: its children in school this school year, the aid each had (and what other
    agencies paid), loans, and what each child may still apply for."""

    household_id: int
    household_number: str
    head_name: str
    village: str
    school_year: int
    children: list[CardChild]
    loans: list[CardLoan]
    office: Office
    card_columns: tuple[str, ...] = CARD_COLUMNS
    loan_columns: tuple[str, ...] = LOAN_COLUMNS

    @property
    def title(self) -> str:
        return "学生资助政策明白卡"

    @property
    def subtitle(self) -> str:
        return f"{self.school_year}—{self.school_year + 1}学年"

    @property
    def head_pairs(self) -> list[tuple[str, str]]:
        return [("户主", self.head_name or BLANK), ("所在村（社区）", self.village or BLANK)]

    @property
    def options(self) -> list[tuple[str, CardOption]]:
        return [(child.name, option) for child in self.children for option in child.options]

    @property
    def aid_heading(self) -> str:
        return "一、本学年在校子女享受资助情况"

    @property
    def loans_heading(self) -> str:
        return "二、生源地信用助学贷款"

    @property
    def options_heading(self) -> str:
        return f"{'三' if self.loans else '二'}、还可以申请的资助"

    no_aid = "本学年暂无资助记录。"
    no_options = "暂无其他可申请的项目。"

    @property
    def closing(self) -> str:
        office = self.office.name_or_generic
        where = f"（地址：{self.office.address}）" if self.office.address else ""
        return f"如有疑问，请与孩子就读学校或{office}{where}联系。"


def household_cards(
    user: Any,
    term_code: str,
    *,
    numbers: Sequence[str] = (),
    village: str | None = None,
) -> list[Card]:
    """The cards of the households given by number, or of every household of a village (its code) with
    a child in school or a student loan this school year; one card per household, by number."""
    term = selectors.get_term(term_code)
    households = _card_households(user, numbers, village)
    students = list(
        Student.objects.filter(person__household__in=households)
        .select_related("person")
        .order_by("person__birth_date", "pk")
    )
    places = _places(students, term.school_year, term_code)
    loans = _loans(households, term.school_year, term_code)
    children = _children(students, places, term)
    cards = []
    office = aid_office()
    for household in households:
        mine = [c for s, c in children if s.person.household_id == household.pk]
        if not mine and not loans.get(household.pk):
            continue
        cards.append(
            Card(
                household_id=household.pk,
                household_number=household.number,
                head_name=household.head_name,
                village=_village_name(household),
                school_year=term.school_year,
                children=mine,
                loans=loans.get(household.pk, []),
                office=office,
            )
        )
    if not cards:
        raise AidRefused(_("None of these households has a child in school this school year."))
    return cards


def _card_households(user: Any, numbers: Sequence[str], village: str | None) -> list[Household]:
    """The households asked for, within the user's scope: county-wide roles see every household, a
    township officer the households of the township's villages; nobody else prints cards."""
    if is_county_wide(user):
        scope = Household.objects.all()
    elif getattr(user, "role", "") == Role.TOWNSHIP_OFFICER and user.township_id:
        scope = Household.objects.filter(village__parent_id=user.township_id)
    else:
        raise AidRefused(
            _("Policy cards are printed by the county aid office or a township officer.")
        )
    chosen: QuerySet[Household] = scope.select_related("village__parent").order_by("number")
    if village:
        households = list(chosen.filter(village__code=village))
        if not households:
            raise AidRefused(
                _("No household of village %(village)s among those you may print cards for.")
                % {"village": village}
            )
        return households
    households = list(chosen.filter(number__in=list(numbers)))
    missing = sorted(set(numbers) - {h.number for h in households})
    if missing or not numbers:
        raise AidRefused(
            _("No household %(numbers)s among those you may print cards for.")
            % {"numbers": "、".join(missing) or "—"}
        )
    return households


def _village_name(household: Household) -> str:
    village = household.village
    if village is None:
        return ""
    township = village.parent.name if village.parent else ""
    return f"{township}{village.name}"


def _places(students: list[Student], school_year: int, term_code: str) -> dict[int, Enrollment]:
    """Each student's place this school year: in the term asked for when there is one, else the latest."""
    places: dict[int, Enrollment] = {}
    enrolments = (
        Enrollment.objects.filter(student__in=students, term__school_year=school_year)
        .select_related("school", "term")
        .order_by("term__start_date", "pk")
    )
    for place in enrolments:
        held = places.get(place.student_id)
        if held is None or held.term.code != term_code:
            places[place.student_id] = place
    return places


def _children(
    students: list[Student], places: dict[int, Enrollment], term: Term
) -> list[tuple[Student, CardChild]]:
    """The card entries of the students in school this school year, with their aid and options."""
    in_school = [s for s in students if s.pk in places]
    lines: dict[int, list[CardLine]] = {}
    # every program a child has this school year, funded or not: an over-quota child applied already
    held: dict[int, set[str]] = {}
    packs = _PackCache()
    for e in (
        Entitlement.objects.filter(student__in=in_school, term__school_year=term.school_year)
        .select_related("term", "aid_term__pack")
        .prefetch_related("payments")
        .order_by("term__start_date", "pk")
    ):
        held.setdefault(e.student_id, set()).add(e.program)
        if e.status == Entitlement.Status.DUE:
            program = packs.program(e.aid_term.pack, e.program)
            lines.setdefault(e.student_id, []).append(_card_line(e, program))
    options = _options(in_school, term, held)
    out = []
    for student in in_school:
        place = places[student.pk]
        child = CardChild(
            name=student.person.name,
            school=place.school.name,
            stage=STAGE_NAMES.get(place.stage, place.stage),
            grade=grade_label(place.stage, place.grade),
            lines=lines.get(student.pk, []),
            options=options.get(student.pk, []),
        )
        out.append((student, child))
    return out


class _PackCache:
    """Stored packs parsed once each, to name the programs of entitlements computed with them."""

    def __init__(self) -> None:
        self.loaded: dict[int, Pack] = {}

    def program(self, stored: PolicyPack, code: str) -> CompiledProgram | None:
        if stored.pk not in self.loaded:
            self.loaded[stored.pk] = packs_store.load(stored)
        return self.loaded[stored.pk].by_code.get(code)


def _card_line(e: Entitlement, program: CompiledProgram | None) -> CardLine:
    name = program.spec.name if program else e.program
    if e.payee == "recorded":
        paid_by = program.spec.paid_by if program else ""
        return CardLine(
            term_label(e.term.code), name, e.amount_fen, f"由{paid_by or '其他部门'}发放"
        )
    return CardLine(term_label(e.term.code), name, e.amount_fen, STATUS_WORDS[_paid_state(e)])


def _paid_state(e: Entitlement) -> str:
    lines = sorted(e.payments.all(), key=lambda line: line.pk)
    if any(line.status == PaymentLine.Status.PAID for line in lines):
        return "paid"
    if lines and lines[-1].status == PaymentLine.Status.PENDING:
        return "pending"
    return "due"


def _options(
    students: list[Student], term: Term, held: dict[int, set[str]]
) -> dict[int, list[CardOption]]:
    """Programs of the pack a child does not have but would get once identified as in economic
    difficulty (the hardship grade is the one fact a family can change by applying), each with where to
    apply. Programs that turn on other facts (grade, boarding, majors) are left out when they do not hold."""
    if not students:
        return {}
    pack = selectors.pack_for(term.code)
    rows = _facts_rows(term, pack, [s.pk for s in students])
    out: dict[int, list[CardOption]] = {}
    for student_id, row in rows.items():
        if_identified = {
            **row,
            "hardship_grade": row.get("hardship_grade") or choices.HardshipGrade.GENERAL.value,
            "identified_grade": row.get("identified_grade") or choices.HardshipGrade.GENERAL.value,
        }
        for program in pack.programs_in(term.code):
            spec = program.spec
            if (
                program.when is None
                or row["stage"] not in spec.stages
                or spec.code in held.get(student_id, set())
                or not conditions.test(program.when, if_identified, pack.named.nodes)
            ):
                continue
            out.setdefault(student_id, []).append(CardOption(spec.name, _how(program, row)))
    return out


def _how(program: CompiledProgram, row: dict[str, Any]) -> str:
    spec = program.spec
    if spec.payee == "recorded":
        return f"可向{spec.paid_by}咨询申请"
    if not row.get("hardship_grade"):
        return "家庭经济困难学生可向学校申请认定"
    return "可向学校咨询办理"


# A village prints dozens of cards: past this many children, one county-wide read of the facts is
# cheaper than one read per child.
FACTS_ONE_BY_ONE = 20


def _facts_rows(term: Term, pack: Pack, student_ids: list[int]) -> dict[int, dict[str, Any]]:
    if len(student_ids) <= FACTS_ONE_BY_ONE:
        frames = [selectors.facts_for(term, pack, student_id=i) for i in student_ids]
        rows = [row for frame in frames for row in frame.iter_rows(named=True)]
    else:
        frame = selectors.facts_for(term, pack).filter(pl.col("student_id").is_in(student_ids))
        rows = list(frame.iter_rows(named=True))
    return {row["student_id"]: row for row in rows}


def _loans(
    households: list[Household], school_year: int, term_code: str
) -> dict[int, list[CardLoan]]:
    """Student loans of the households' people for the school year (a person of the household, or a
    member on the poverty register by ID), as the pack's loan program names them and who pays them."""
    pack = selectors.pack_for(term_code)
    program = next((p.spec for p in pack.programs if p.spec.kind == "loan"), None)
    name = program.name if program else "助学贷款"
    paid_by = program.paid_by if program else "银行"
    members = dict(
        PovertyMember.objects.filter(household__in=households)
        .exclude(id_number_hash="")
        .values_list("id_number_hash", "household_id")
    )
    loans = (
        StudentLoan.objects.filter(
            Q(person__household__in=households) | Q(id_number_hash__in=list(members)),
            school_year=school_year,
        )
        .select_related("person")
        .order_by("name", "pk")
    )
    out: dict[int, list[CardLoan]] = {}
    for loan in loans:
        household_id = members.get(loan.id_number_hash) or (
            loan.person.household_id if loan.person else None
        )
        if household_id is not None:
            out.setdefault(household_id, []).append(
                CardLoan(loan.name, loan.university, name, loan.amount_fen, f"由{paid_by}发放")
            )
    return out


# --- layouts: HTML and PDF ------------------------------------------------------------------------------


def notice_html(notice: Notice) -> str:
    return render_to_string("aid/print/notice.html", {"notice": notice})


def cards_html(cards: Sequence[Card]) -> str:
    return render_to_string("aid/print/cards.html", {"cards": cards})


class _Sheets(Document):
    """``lib.pdf.Document`` with what bulk printing needs: a page break and the number of pages."""

    def new_page(self) -> None:
        self._pdf.add_page()

    @property
    def pages(self) -> int:
        return int(self._pdf.pages_count)


def notice_document(notice: Notice) -> _Sheets:
    doc = _Sheets(notice.title)
    doc.paragraph(notice.intro)
    widths = (14, 34, 24, 28, 46, 34)
    doc.table(
        [
            Column(h, w, numeric=h in ("序号", "金额（元）"))
            for h, w in zip(notice.columns, widths, strict=True)
        ],
        [[r.number, r.name, r.grade, r.class_name, r.label, r.yuan] for r in notice.rows],
    )
    for line in (notice.totals_line, notice.period_line, notice.objection_line):
        doc.paragraph(line)
    doc.paragraph(notice.office.phone_line)
    doc.key_values([("公示单位", notice.signature), ("日期", notice.signature_date)])
    return doc


def notice_pdf(notice: Notice) -> bytes:
    return notice_document(notice).to_bytes()


def cards_document(cards: Sequence[Card]) -> _Sheets:
    if not cards:
        raise ValueError("no cards to print")
    doc = _Sheets(cards[0].title)
    for i, card in enumerate(cards):
        if i:
            doc.new_page()
            doc.heading(card.title, level=1)
        _card_page(doc, card)
    return doc


def _card_page(doc: Document, card: Card) -> None:
    doc.heading(card.subtitle, level=3)
    doc.key_values(card.head_pairs)
    doc.heading(card.aid_heading, level=2)
    money = ("金额（元）", "贷款金额（元）")
    for child in card.children:
        doc.heading(child.heading, level=3)
        if child.lines:
            widths = (32, 88, 25, 35)
            doc.table(
                [Column(h, w, h in money) for h, w in zip(card.card_columns, widths, strict=True)],
                [[ln.term, ln.program, ln.yuan, ln.status] for ln in child.lines],
            )
        else:
            doc.paragraph(card.no_aid)
    if card.loans:
        doc.heading(card.loans_heading, level=2)
        widths = (30, 60, 30, 60)
        doc.table(
            [Column(h, w, h in money) for h, w in zip(card.loan_columns, widths, strict=True)],
            [[ln.name, ln.university, ln.yuan, ln.status] for ln in card.loans],
        )
    doc.heading(card.options_heading, level=2)
    if card.options:
        for name, option in card.options:
            doc.paragraph(f"{name}　{option.text}")
    else:
        doc.paragraph(card.no_options)
    doc.paragraph(card.office.phone_line)
    doc.paragraph(card.closing)


def cards_pdf(cards: Sequence[Card]) -> bytes:
    return cards_document(cards).to_bytes()


# --- printing, audited ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    pages: int
    missing_characters: frozenset[str]


def print_notice(
    *, term_code: str, school_code: str, acting_user: Any, client: str = ""
) -> Printed:
    """The notice of a school's list as a PDF; printing it is recorded in the audit log."""
    aid_term = selectors.aid_term_for(term_code)
    if aid_term is None:
        raise AidRefused(_("Term %(term)s has not been computed.") % {"term": term_code})
    school = schools_for(acting_user).filter(code=school_code).first()
    if school is None:
        raise AidRefused(_("No school %(code)s among your schools.") % {"code": school_code})
    notice = school_notice(acting_user, aid_term, school)
    printed = _render(notice_document(notice))
    _record_print(
        "aid.notice.print",
        printed,
        acting_user=acting_user,
        client=client,
        object_type="School",
        object_id=school.pk,
        detail={"term": term_code, "school": school_code, "rows": len(notice.rows)},
    )
    return printed


def print_cards(
    *,
    term_code: str,
    acting_user: Any,
    numbers: Sequence[str] = (),
    village: str | None = None,
    client: str = "",
) -> Printed:
    """The policy cards of households (by number) or of a village as one PDF, one page per household;
    printing them is recorded in the audit log with the households printed."""
    cards = household_cards(acting_user, term_code, numbers=numbers, village=village)
    printed = _render(cards_document(cards))
    _record_print(
        "aid.cards.print",
        printed,
        acting_user=acting_user,
        client=client,
        object_type="Household",
        object_id=cards[0].household_id if len(cards) == 1 else "",
        detail={
            "term": term_code,
            "village": village or "",
            "households": [c.household_number for c in cards],
        },
    )
    return printed


def _render(doc: _Sheets) -> Printed:
    data = doc.to_bytes()
    return Printed(data, doc.pages, frozenset(doc.missing_characters))


def _record_print(
    action: str,
    printed: Printed,
    *,
    acting_user: Any,
    client: str,
    object_type: str,
    object_id: object,
    detail: dict[str, Any],
) -> None:
    record(
        action,
        acting_user=acting_user,
        object_type=object_type,
        object_id=object_id,
        detail={
            **detail,
            "pages": printed.pages,
            "sha256": hashlib.sha256(printed.pdf).hexdigest(),
        },
        client=client,
    )
