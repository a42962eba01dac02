"""Cases built the way users make them: absences imported as a school sends them, then the scan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from notoneless.retention.actions import scan
from notoneless.retention.models import Case
from web.county import CHILDREN, County, import_csv

SCAN_DAY = date(2020, 11, 30)
RUN = ("2020-11-25", "2020-11-26", "2020-11-27")  # Wednesday to Friday


def absences_csv(rows: list[tuple[str, str, str]]) -> str:
    """(child's name, date, status in Chinese) → the attendance import's CSV."""
    lines = ["学籍号,姓名,学校标识码,日期,考勤状态"]
    for name, day, status in rows:
        id_number, school = CHILDREN[name][0], CHILDREN[name][1]
        lines.append(f"G{id_number},{name},{school},{day},{status}")
    return "\n".join(lines) + "\n"


def import_absences(county: County, tmp_path: Path, rows: list[tuple[str, str, str]]) -> None:
    import_csv(tmp_path, "attendance", absences_csv(rows), county.user("superuser"))


def open_case(
    county: County, tmp_path: Path, name: str = "张伟", days: tuple[str, ...] = RUN
) -> Case:
    """Three unexcused days for ``name`` and a scan: the case the rules open."""
    import_absences(county, tmp_path, [(name, d, "旷课") for d in days])
    scan(as_of=SCAN_DAY, acting_user=None)
    return Case.objects.get(person=county.person(name), status__in=Case.OPEN)
