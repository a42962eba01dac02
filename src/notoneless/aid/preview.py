"""Preview a pack against the registers before switching it on: per program, students and amounts under
the current pack and under the candidate, for one term."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from notoneless.aid import bulk
from notoneless.aid.policy import Pack
from notoneless.aid.selectors import get_term, pack_for
from notoneless.registry.selectors import is_county_wide, schools_for


@dataclass(frozen=True)
class PreviewRow:
    code: str
    current_students: int
    new_students: int
    current_fen: int
    new_fen: int


def preview(user: Any, candidate: Pack, term_code: str) -> list[PreviewRow]:
    term = get_term(term_code)
    current = pack_for(term_code)
    now = _totals(user, current, term, term_code)
    new = _totals(user, candidate, term, term_code)
    codes = list(dict.fromkeys([*now, *new]))
    return [
        PreviewRow(
            c,
            now.get(c, (0, 0))[0],
            new.get(c, (0, 0))[0],
            now.get(c, (0, 0))[1],
            new.get(c, (0, 0))[1],
        )
        for c in codes
    ]


def _totals(user: Any, pack: Pack, term: Any, term_code: str) -> dict[str, tuple[int, int]]:
    facts = bulk.read_facts(term.pk, term.school_year, term.season, pack)
    if not is_county_wide(user):
        facts = facts.filter(
            pl.col("school_id").is_in(list(schools_for(user).values_list("pk", flat=True)))
        )
    rows = bulk.evaluate(facts, pack, term_code).filter(pl.col("status") == "due")
    stats = rows.group_by("program", maintain_order=True).agg(pl.len(), pl.col("amount_fen").sum())
    return {code: (n, int(fen)) for code, n, fen in stats.iter_rows()}
