"""A candidate pair as the review card shows it: the register record and the person side by side (name,
sex, birth date, masked ID, village, guardian, school) and the comparison in words. Masked IDs only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from notoneless.matching.models import CandidatePair, RecordKind
from notoneless.matching.selectors import records_by_kind
from notoneless.registry.models import Enrollment, Person, Term


@dataclass
class Side:
    name: str = ""
    sex: str = ""
    birth_date: str = ""
    id_masked: str = ""
    village: str = ""
    guardian: str = ""
    school: str = ""


@dataclass
class PairCard:
    pair: CandidatePair
    register: str
    record: Side
    person: Side
    comparison: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


def pair_cards(pairs: Sequence[CandidatePair], term: Term | None) -> list[PairCard]:
    """Cards for a page of pairs, in a fixed number of queries."""
    records = records_by_kind((p.record_kind, p.record_id) for p in pairs)
    persons = _persons([p.person_id for p in pairs], term)
    cards = []
    for pair in pairs:
        record = records.get((pair.record_kind, pair.record_id))
        person = persons.get(pair.person_id)
        cards.append(
            PairCard(
                pair,
                str(RecordKind(pair.record_kind).label)
                if pair.record_kind in RecordKind.values
                else pair.record_kind,
                _record_side(record),
                _person_side(person),
                comparison(record, person),
                evidence_words(pair.evidence),
            )
        )
    return cards


def _persons(ids: Iterable[int], term: Term | None) -> dict[int, Person]:
    places = Enrollment.objects.filter(term=term).select_related("school")
    persons = (
        Person.objects.filter(pk__in=list(ids))
        .select_related("hukou_village", "household__village")
        .prefetch_related(
            "guardians",
            Prefetch("student__enrollments", queryset=places, to_attr="places"),
        )
    )
    return {p.pk: p for p in persons}


def _record_side(record: Any) -> Side:
    if record is None:
        return Side(name=_("(record no longer exists)"))
    guardian = getattr(record, "guardian_name", "")
    if not guardian and hasattr(record, "household"):
        guardian = record.household.head_name if record.household_id else ""
    return Side(
        name=record.name,
        sex=record.get_sex_display() if record.sex else "",
        birth_date=record.birth_date.isoformat() if record.birth_date else "",
        id_masked=record.id_number_masked,
        village=record.village.name if record.village else "",
        guardian=guardian,
        school=getattr(record, "school_name", ""),
    )


def _person_side(person: Person | None) -> Side:
    if person is None:
        return Side()
    village = person.hukou_village or (person.household.village if person.household else None)
    guardians = list(person.guardians.all())
    student = getattr(person, "student", None)
    places = getattr(student, "places", []) if student is not None else []
    return Side(
        name=person.name,
        sex=person.get_sex_display() if person.sex else "",
        birth_date=person.birth_date.isoformat() if person.birth_date else "",
        id_masked=person.id_number_masked,
        village=village.name if village else "",
        guardian=guardians[0].name if guardians else "",
        school="、".join(p.school.name for p in places),
    )


def comparison(record: Any, person: Person | None) -> list[str]:
    """What agrees and what differs, in words."""
    if record is None or person is None:
        return []
    out = [
        _("Same name") if record.name_norm == person.name_norm else _("Names differ"),
        _same_or_not(record.birth_date, person.birth_date, _("birth date")),
        _same_or_not(record.sex, person.sex, _("sex")),
    ]
    if record.id_number_hash and person.id_number_hash:
        out.append(
            _("Same ID number")
            if record.id_number_hash == person.id_number_hash
            else _("ID numbers differ")
        )
    else:
        out.append(_("One side has no ID number"))
    village = person.hukou_village_id or (person.household.village_id if person.household else None)
    if record.village_id and village:
        out.append(_("Same village") if record.village_id == village else _("Villages differ"))
    return out


def _same_or_not(a: object, b: object, what: str) -> str:
    if not a or not b:
        return _("%(what)s missing on one side") % {"what": what}
    return (_("same %(what)s") if a == b else _("%(what)s differs")) % {"what": what}


def evidence_words(evidence: Any) -> list[str]:
    """The engine's comparison levels as short lines, whatever their shape (a label per comparison,
    or a dict with a label and a weight)."""
    if isinstance(evidence, dict):
        lines = []
        for name, level in evidence.items():
            if isinstance(level, dict):
                label = level.get("label") or level.get("level") or ""
                weight = level.get("weight", level.get("bayes_factor"))
                text = f"{name}: {label}" + (f" ({weight})" if weight is not None else "")
            else:
                text = f"{name}: {level}"
            lines.append(text)
        return lines
    if isinstance(evidence, list):
        return [str(x) for x in evidence]
    return []
