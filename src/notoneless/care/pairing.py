"""Suggesting helpers (结对): every unpaired special-group child of a school gets one teacher of the
school, balancing the teachers' load and preferring the child's own class teachers. No Django here.

A greedy algorithm, on purpose: a school's problem is small (tens of children, tens of teachers) and
the officer must be able to predict and explain each proposal. Children whose class has a head
teacher among the school's teachers come first (their preference is the one to keep), then the
others, each group in the order given (class order); each goes to the teacher with the lowest
*score* among those under the load limit, where the score is the teacher's load less ``preference``
for a teacher of the child's class; ties go to a class teacher, then the lower load, then the
register's order. With no class teachers this is "always the least loaded", which gives the lowest
possible highest load for one-child-at-a-time assignments; with class teachers it keeps a class
teacher unless that teacher already carries more than ``preference`` children beyond the least
loaded colleague. (OR-Tools' min-cost flow would find a global optimum of a weighted sum, but the
weights would be as arbitrary as ``preference`` and the result harder to explain; see
``docs/care.md``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Child", "Helper", "Proposal", "suggest"]


@dataclass(frozen=True)
class Child:
    person_id: int
    class_teachers: frozenset[int] = frozenset()


@dataclass
class Helper:
    teacher_id: int
    load: int  # children helped now, in every school


@dataclass(frozen=True)
class Proposal:
    person_id: int
    teacher_id: int
    class_teacher: bool
    load_after: int


def suggest(
    children: Sequence[Child], helpers: Sequence[Helper], *, limit: int, preference: int
) -> tuple[list[Proposal], list[int]]:
    """Proposals for ``children`` (those with class teachers first) and the children no teacher could take
    (every teacher at the limit)."""
    loads = {h.teacher_id: h.load for h in helpers}
    order = {h.teacher_id: i for i, h in enumerate(helpers)}
    proposals: list[Proposal] = []
    unplaced: list[int] = []
    for child in sorted(children, key=lambda c: not c.class_teachers):  # stable: keeps the order
        open_ = [t for t in order if loads[t] < limit]
        if not open_:
            unplaced.append(child.person_id)
            continue

        def score(teacher: int, child: Child = child) -> tuple[int, int, int, int]:
            mine = teacher in child.class_teachers
            return (
                loads[teacher] - (preference if mine else 0),
                0 if mine else 1,
                loads[teacher],
                order[teacher],
            )

        best = min(open_, key=score)
        loads[best] += 1
        proposals.append(Proposal(child.person_id, best, best in child.class_teachers, loads[best]))
    return proposals, unplaced
