"""Projects (精准补短): totals per year and kind, building against equipment, and the sentence a
report says them in ("累计投入4.86亿元 … 投入6,921.80万元"). Reads only; the project rows come from
the scoped selector."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from notoneless.lib.money import show_large, wan
from notoneless.schools.models import PROJECT_GROUPS, Project, ProjectKind, ProjectStatus

__all__ = ["ProjectTotals", "YearRow", "totals"]

GROUP_LABELS = {"building": "新建改扩建、维修项目", "equipment": "设施设备、远程互动资源"}


@dataclass
class YearRow:
    year: int
    projects: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    budget_fen: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    spent_fen: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            **{
                group: {
                    "projects": self.projects[group],
                    "budget_wan": str(wan(self.budget_fen[group])),
                    "spent_wan": str(wan(self.spent_fen[group])),
                }
                for group in GROUP_LABELS
            },
        }


@dataclass
class ProjectTotals:
    first_year: int | None
    last_year: int | None
    years: list[YearRow]
    by_kind: dict[str, dict[str, int]]
    cancelled: int

    def group(self, group: str, figure: str = "spent_fen") -> int:
        return sum(getattr(y, figure)[group] for y in self.years)

    def count(self, group: str) -> int:
        return sum(y.projects[group] for y in self.years)

    def sentence(self) -> str:
        """The figures as the district's report puts them."""
        if self.first_year is None:
            return "没有项目记录。"
        span = (
            f"{self.first_year}年"
            if self.first_year == self.last_year
            else f"{self.first_year}—{self.last_year}年"
        )
        return (
            f"{span}累计投入{show_large(self.group('building'))}，实施新建改扩建、维修等项目"
            f"{self.count('building')}个；投入{show_large(self.group('equipment'))}，配备设施设备、"
            f"远程互动资源等项目{self.count('equipment')}个。"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "first_year": self.first_year,
            "last_year": self.last_year,
            "sentence": self.sentence(),
            "building": {
                "projects": self.count("building"),
                "budget_wan": str(wan(self.group("building", "budget_fen"))),
                "spent_wan": str(wan(self.group("building"))),
            },
            "equipment": {
                "projects": self.count("equipment"),
                "budget_wan": str(wan(self.group("equipment", "budget_fen"))),
                "spent_wan": str(wan(self.group("equipment"))),
            },
            "years": [y.as_dict() for y in self.years],
            "by_kind": self.by_kind,
            "cancelled": self.cancelled,
        }


def totals(projects: Iterable[Project]) -> ProjectTotals:
    """Per year and group, the projects, their budgets and what they have spent; cancelled projects
    are counted apart and left out of the sums."""
    years: dict[int, YearRow] = {}
    by_kind: dict[str, dict[str, int]] = {
        k: {"projects": 0, "budget_fen": 0, "spent_fen": 0} for k in ProjectKind.values
    }
    cancelled = 0
    for p in projects:
        if p.status == ProjectStatus.CANCELLED:
            cancelled += 1
            continue
        group = PROJECT_GROUPS[ProjectKind(p.kind)]
        row = years.setdefault(p.year, YearRow(p.year))
        row.projects[group] += 1
        row.budget_fen[group] += p.budget_fen
        row.spent_fen[group] += p.spent_fen
        kind = by_kind[p.kind]
        kind["projects"] += 1
        kind["budget_fen"] += p.budget_fen
        kind["spent_fen"] += p.spent_fen
    ordered = [years[y] for y in sorted(years)]
    return ProjectTotals(
        first_year=ordered[0].year if ordered else None,
        last_year=ordered[-1].year if ordered else None,
        years=ordered,
        by_kind=by_kind,
        cancelled=cancelled,
    )
