"""Findings as rows for a page, an Excel workbook or JSON: who (name and masked ID only), where, why.
The names and masked IDs of leads without a person come from their register record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from notoneless.matching.models import Finding, RecordKind
from notoneless.matching.selectors import records_by_kind


@dataclass
class FindingRow:
    finding: Finding
    name: str
    id_masked: str
    village: str

    @property
    def school(self) -> str:
        return self.finding.school.name if self.finding.school else ""

    @property
    def township(self) -> str:
        return self.finding.township.name if self.finding.township else ""

    @property
    def register(self) -> str:
        kind = self.finding.record_kind
        return str(RecordKind(kind).label) if kind in RecordKind.values else ""


def finding_rows(findings: Iterable[Finding]) -> list[FindingRow]:
    """One row per finding; a fixed number of queries (one per register) whatever the count."""
    findings = list(findings)
    records = records_by_kind(
        (f.record_kind, f.record_id) for f in findings if f.record_kind and f.record_id
    )
    rows = []
    for f in findings:
        record: Any = records.get((f.record_kind, f.record_id or 0))
        who: Any = f.person or record
        village = record.village.name if record is not None and record.village else ""
        rows.append(
            FindingRow(
                f,
                getattr(who, "name", ""),
                getattr(who, "id_number_masked", ""),
                village,
            )
        )
    return rows


def headers() -> list[str]:
    return [
        _("Name"),
        _("ID number (masked)"),
        _("Township"),
        _("School"),
        _("Village"),
        _("Register"),
        _("Reason"),
        _("Verification"),
    ]


def values(row: FindingRow) -> list[str]:
    return [
        row.name,
        row.id_masked,
        row.township,
        row.school,
        row.village,
        row.register,
        row.finding.reason,
        str(row.finding.get_verification_display())
        if row.finding.kind == Finding.Kind.OUT_OF_SCHOOL
        else "",
    ]


def as_dict(row: FindingRow) -> dict[str, Any]:
    f = row.finding
    return {
        "id": f.pk,
        "kind": f.kind,
        "name": row.name,
        "id_masked": row.id_masked,
        "township_code": f.township.code if f.township else "",
        "township": row.township,
        "school_code": f.school.code if f.school else "",
        "school": row.school,
        "village": row.village,
        "register": f.record_kind,
        "reason": f.reason,
        "verification": f.verification,
        "detail": f.detail,
    }


def write_xlsx(kind: str, rows: Iterable[FindingRow], target: IO[bytes] | str) -> int:
    """The findings of one kind as a workbook; returns the number of rows."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        target, {"in_memory": not isinstance(target, str), "constant_memory": True}
    )
    sheet = book.add_worksheet(str(Finding.Kind(kind).label)[:31])
    sheet.write_row(0, 0, headers())
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.write_row(count, 0, values(row))
    book.close()
    return count
