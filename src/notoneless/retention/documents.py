"""The township's notice to return by a deadline (限期返校通知书) for a case, as a printable PDF, with a
receipt for the guardian to sign. Its wording is data (``rules/return_notice.toml``)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from notoneless.audit.actions import record
from notoneless.lib.chinese import BLANK, chinese_date, grade_label
from notoneless.lib.pdf import Document
from notoneless.registry.models import Enrollment
from notoneless.retention.models import Case, CaseStep, Duty

__all__ = ["NOTICE_FILE", "notice_pdf", "notice_text"]

NOTICE_FILE = Path(__file__).resolve().parent / "rules" / "return_notice.toml"
SEX_WORDS = {"M": "男", "F": "女"}


@cache
def _wording() -> dict[str, Any]:
    return tomllib.loads(NOTICE_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class NoticeText:
    title: str
    number: str
    salutation: str
    body: list[str]
    signature: list[str]
    receipt_title: str
    receipt: str
    receipt_lines: list[str]


def _since(case: Case) -> str:
    first = case.detail.get("first_date") or case.detail.get("left_on")
    return chinese_date(date.fromisoformat(first)) if first else chinese_date(case.opened_on)


def _place(case: Case) -> tuple[str, str]:
    """(school, grade) the notice names: the case's school and the child's latest place there."""
    if case.student_id is None:
        return (case.school.name if case.school else BLANK), ""
    place = (
        Enrollment.objects.filter(student_id=case.student_id).order_by("-term__start_date").first()
    )
    school = case.school.name if case.school else (place.school.name if place else BLANK)
    return school, grade_label(place.stage, place.grade) if place else ""


def _guardian(case: Case) -> str:
    party = case.parties.filter(duty=Duty.GUARDIAN).order_by("pk").first()
    return party.name if party else f"{case.person.name}的监护人"


def notice_text(case: Case) -> NoticeText:
    """The notice's words for ``case``, placeholders filled; the return-by day is the one the notice
    step recorded, a blank line until then."""
    step = case.steps.filter(kind=CaseStep.Kind.NOTICE).first()
    issued = step.done_on if step and step.done_on else None
    township = case.township.name if case.township else BLANK
    school, grade = _place(case)
    values = {
        "guardian": _guardian(case),
        "child": case.person.name,
        "sex": SEX_WORDS.get(case.person.sex, BLANK),
        "birth": chinese_date(case.person.birth_date) if case.person.birth_date else BLANK,
        "school": school,
        "grade": grade,
        "since": _since(case),
        "return_by": chinese_date(step.return_by) if step and step.return_by else BLANK,
        "township": township,
        "date": chinese_date(issued) if issued else "＿＿＿＿年＿＿月＿＿日",
        "year": (issued or case.opened_on).year,
        "number": f"{case.pk:05d}",
    }
    w = _wording()
    number = w["number"].format(**values)
    values["number_text"] = number
    return NoticeText(
        title=w["title"],
        number=number,
        salutation=w["salutation"].format(**values),
        body=[p.format(**values) for p in w["body"]],
        signature=[line.format(**values) for line in w["signature"]],
        receipt_title=w["receipt_title"],
        receipt=w["receipt"].format(**values),
        receipt_lines=list(w["receipt_lines"]),
    )


def _document(text: NoticeText, fix: Callable[[str], str]) -> Document:
    doc = Document(fix(text.title))
    doc.paragraph(fix(text.number), align="R")
    doc.paragraph(fix(text.salutation), align="L")
    for paragraph in text.body:
        doc.paragraph("　　" + fix(paragraph))
    for line in text.signature:
        doc.paragraph(fix(line), align="R")
    doc.paragraph("－" * 40, align="C")
    doc.heading(fix(text.receipt_title), level=2)
    doc.paragraph("　　" + fix(text.receipt))
    for line in text.receipt_lines:
        doc.paragraph(fix(line), align="R")
    return doc


def notice_pdf(case: Case, *, acting_user: Any) -> bytes:
    """The notice as an A4 PDF; printing it is audited (it names a child and a family). A character
    the font lacks (a rare name character) prints as □ for the clerk to write in by hand."""
    text = notice_text(case)
    doc = _document(text, lambda s: s)
    missing = doc.missing_characters
    if missing:
        doc = _document(text, lambda s: "".join("□" if c in missing else c for c in s))
    with transaction.atomic():
        record(
            "retention.notice",
            acting_user=acting_user,
            object_type="case",
            object_id=case.pk,
            detail={"missing_characters": "".join(sorted(missing))},
        )
    return doc.to_bytes()
