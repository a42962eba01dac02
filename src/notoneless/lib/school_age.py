"""Compulsory school age from a rule held as data (``registry/rules/school_age.toml``), without Django."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class SchoolAgeRule:
    version: str
    start_age: int
    cutoff_month: int
    cutoff_day: int
    school_year_starts_month: int
    school_year_starts_day: int
    last_grade: int
    end_age: int

    @classmethod
    def load(cls, path: Path) -> SchoolAgeRule:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        try:
            rule = cls(**raw)
        except TypeError as exc:
            raise ValueError(f"{path.name}: {exc}") from exc
        date(2000, rule.cutoff_month, rule.cutoff_day)  # refuses an impossible cut-off date
        return rule

    def entry_year(self, birth: date) -> int:
        """The year whose 1 September the child should start grade 1."""
        year = birth.year + self.start_age
        cutoff = date(year, self.cutoff_month, self.cutoff_day)
        return year if _birthday_in(year, birth) <= cutoff else year + 1

    def expected_grade(self, birth: date, school_year: int) -> int:
        """The grade a child on time is in during the school year starting in ``school_year`` (0 or less:
        not yet at school; above ``last_grade``: past compulsory school)."""
        return school_year - self.entry_year(birth) + 1

    def starts(self, birth: date) -> date:
        return date(
            self.entry_year(birth), self.school_year_starts_month, self.school_year_starts_day
        )

    def ends(self, birth: date) -> date:
        """The end age birthday (the child may leave earlier by completing the last grade)."""
        return _birthday_in(birth.year + self.end_age, birth)

    def is_compulsory_age(
        self, birth: date, on: date, *, completed_last_grade: bool = False
    ) -> bool:
        return not completed_last_grade and self.starts(birth) <= on < self.ends(birth)


def _birthday_in(year: int, birth: date) -> date:
    """The birthday in ``year``; 29 February falls on 28 February in common years."""
    if birth.month == 2 and birth.day == 29:
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return birth.replace(year=year)
