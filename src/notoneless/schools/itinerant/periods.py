"""Periods within a session. The solver decides which teacher teaches which class in which session;
here each of those lessons gets a period so that no teacher and no class has two at once. That is
colouring the edges of a bipartite graph (teachers on one side, classes on the other) with as many
colours as the session has periods, which always succeeds when no teacher and no class has more
lessons than periods (König's theorem); the solver guarantees that."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from notoneless.schools.itinerant.problem import Problem
from notoneless.schools.itinerant.solver import SessionLesson

__all__ = ["TimetabledLesson", "colour_edges", "timetable"]


@dataclass(frozen=True)
class TimetabledLesson:
    teacher_id: int
    school_id: int
    grade: int
    class_name: str
    subject: str
    day: int  # 1 = the first school day of the week
    period: int  # 1 = the first period of the day


def colour_edges(edges: Sequence[tuple[Hashable, Hashable]], colours: int) -> list[int]:
    """A colour in ``range(colours)`` for each edge (left, right) of a bipartite multigraph so that
    edges sharing an end differ. Each vertex may have at most ``colours`` edges."""
    at: dict[tuple[str, Hashable], dict[int, int]] = defaultdict(dict)  # vertex -> colour -> edge
    colour: list[int] = [-1] * len(edges)

    def free(vertex: tuple[str, Hashable]) -> int:
        taken = at[vertex]
        for c in range(colours):
            if c not in taken:
                return c
        raise ValueError(f"{vertex[1]!r} has more than {colours} lessons in one session")

    for e, (left, right) in enumerate(edges):
        u, v = ("L", left), ("R", right)
        a, b = free(u), free(v)
        if a in at[v]:
            _swap_path(edges, at, colour, v, a, b)
        colour[e] = a
        at[u][a] = e
        at[v][a] = e
    return colour


def _swap_path(
    edges: Sequence[tuple[Hashable, Hashable]],
    at: dict[tuple[str, Hashable], dict[int, int]],
    colour: list[int],
    start: tuple[str, Hashable],
    a: int,
    b: int,
) -> None:
    """Swap colours ``a`` and ``b`` along the path from ``start`` that alternates them, beginning
    with ``a``: afterwards ``a`` is free at ``start`` (and still free where it was)."""
    path = []
    vertex, wanted = start, a
    while wanted in at[vertex]:
        e = at[vertex][wanted]
        path.append(e)
        left, right = ("L", edges[e][0]), ("R", edges[e][1])
        vertex = right if vertex == left else left
        wanted = b if wanted == a else a
    for e in path:
        left, right = ("L", edges[e][0]), ("R", edges[e][1])
        del at[left][colour[e]], at[right][colour[e]]
    for e in path:
        colour[e] = b if colour[e] == a else a
        left, right = ("L", edges[e][0]), ("R", edges[e][1])
        at[left][colour[e]] = e
        at[right][colour[e]] = e


def timetable(problem: Problem, lessons: Sequence[SessionLesson]) -> list[TimetabledLesson]:
    """Each session lesson with its period: per day, session and school, teachers against classes."""
    groups: dict[tuple[int, int, int], list[SessionLesson]] = defaultdict(list)
    for lesson in lessons:
        groups[(lesson.day, lesson.session, lesson.need.school_id)].append(lesson)
    out = []
    for (day, session, _school), group in sorted(groups.items()):
        group.sort(key=lambda g: (g.teacher_id, g.need.index))
        edges = [(g.teacher_id, g.need.class_key) for g in group]
        periods = problem.rules.sessions[session].periods
        first = problem.rules.first_period(session)
        for g, c in zip(group, colour_edges(edges, periods), strict=True):
            out.append(
                TimetabledLesson(
                    teacher_id=g.teacher_id,
                    school_id=g.need.school_id,
                    grade=g.need.grade,
                    class_name=g.need.class_name,
                    subject=g.need.subject,
                    day=day + 1,
                    period=first + c,
                )
            )
    return sorted(out, key=lambda t: (t.teacher_id, t.day, t.period))
