"""Which pairs are overdue under the frequency rules (``rules/care.toml``). No Django here.

A requirement (a contact a month, a home visit a term) is met in a period by ``count`` entries of its
kinds dated in it. A pair is overdue on a requirement when the last whole period before the current one
(last month; the last term that ended) went by unmet although the pair was paired for all of it (paired
on or before its first day), and the current period has not yet made up for it (fewer than ``count``
entries so far). A new pair is therefore never overdue before one whole period has passed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from notoneless.care.care_rules import CareRules, Requirement

__all__ = ["Period", "month_of", "overdue", "periods_for"]

Period = tuple[date, date]  # first and last day


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def periods_for(
    requirement: Requirement, as_of: date, terms: Sequence[Period]
) -> tuple[Period | None, Period | None]:
    """The current period (holding ``as_of``) and the last whole period before it."""
    if requirement.period == "month":
        current = month_of(as_of)
        return current, month_of(current[0] - timedelta(days=1))
    now = next((t for t in terms if t[0] <= as_of <= t[1]), None)
    before = as_of if now is None else now[0]
    ended = [t for t in terms if t[1] < before]
    return now, (max(ended) if ended else None)


def overdue(
    pairs: Iterable[tuple[int, date]],
    entries: Iterable[tuple[int, str, date]],
    *,
    as_of: date,
    terms: Sequence[Period],
    rules: CareRules,
) -> dict[int, list[str]]:
    """``{pairing id: [keys of the requirements it is overdue on]}`` for the pairs (id, paired on)
    given, from their entries (pairing id, kind, date); pairs on time are left out."""
    by_pair: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for pairing_id, kind, on in entries:
        if on <= as_of:
            by_pair[pairing_id].append((kind, on))
    late: dict[int, list[str]] = {}
    plans = [(r, *periods_for(r, as_of, terms)) for r in rules.requirements]
    for pairing_id, started_on in pairs:
        for requirement, current, previous in plans:
            if previous is None or started_on > previous[0]:
                continue
            kinds = {str(k) for k in requirement.kinds}
            done = [on for kind, on in by_pair.get(pairing_id, ()) if kind in kinds]
            in_previous = sum(1 for on in done if previous[0] <= on <= previous[1])
            in_current = (
                sum(1 for on in done if current[0] <= on <= as_of) if current is not None else 0
            )
            if in_previous < requirement.count and in_current < requirement.count:
                late.setdefault(pairing_id, []).append(requirement.key)
    return late
