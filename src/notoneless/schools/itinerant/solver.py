"""The week of itinerant teaching as a CP-SAT model, solved part by part: groups of teachers and
classes that can reach each other (within a township when teachers stay in theirs).

A teacher spends each day either at the base or away on one *day pattern*: one school for the day
(from the first session it can be reached in), or one school and then, after a break long enough
for the drive, one of its nearest neighbours. A pattern carries its road minutes (base → schools →
base), so travel is linear in the choice. A lesson is one class, one subject, one session of one
day, taught only where the day's pattern puts the teacher; a class has at most one lesson of a
subject a day and no more itinerant lessons in a session than it has periods; a teacher teaches at
most their weekly lessons and travels on at most their weekly trips.

The objective puts every lesson left uncovered above all the week's travel minutes, so the solver
first covers what it can and then shortens the routes. A greedy week is given as a hint, so even a
short time limit ends with a sound plan. Periods within a session are assigned afterwards
(``periods``), which always succeeds within these limits."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from notoneless.schools.itinerant.problem import ClassNeed, ItinerantTeacher, Problem

__all__ = [
    "DayPattern",
    "Part",
    "SessionLesson",
    "Solution",
    "day_patterns",
    "greedy_baseline",
    "solve",
]


@dataclass(frozen=True)
class SessionLesson:
    teacher_id: int
    need: ClassNeed
    day: int  # 0-based
    session: int  # 0-based


@dataclass
class Part:
    """One independently solved part of the county, with how good its answer is."""

    name: str
    teachers: int
    needs: int
    status: str
    objective: float
    bound: float
    seconds: float
    uncovered: int
    uncovered_bound: int  # no plan can leave fewer lessons open than this
    travel_minutes: int

    @property
    def gap(self) -> float:
        if self.objective <= 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / self.objective)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "teachers": self.teachers,
            "needs": self.needs,
            "status": self.status,
            "gap": round(self.gap, 4),
            "seconds": round(self.seconds, 2),
            "uncovered": self.uncovered,
            "uncovered_at_least": self.uncovered_bound,
            "travel_minutes": self.travel_minutes,
        }


@dataclass
class Solution:
    lessons: list[SessionLesson] = field(default_factory=list)
    uncovered: dict[int, int] = field(default_factory=dict)  # need index -> lessons left open
    parts: list[Part] = field(default_factory=list)
    seconds: float = 0.0
    unserved: int = 0  # lessons no itinerant teacher may give (outside every part)

    @property
    def uncovered_at_least(self) -> int:
        """The fewest lessons any plan must leave open: the parts' bounds and the unserved."""
        return self.unserved + sum(p.uncovered_bound for p in self.parts)

    @property
    def status(self) -> str:
        statuses = {p.status for p in self.parts}
        if not statuses or statuses == {"OPTIMAL"}:
            return "optimal"
        if statuses & {"UNKNOWN", "MODEL_INVALID", "INFEASIBLE"}:
            return "unsolved"
        return "feasible"

    @property
    def gap(self) -> float:
        """The relative gap of the summed objectives (uncovered lessons weighted above travel)."""
        objective = sum(p.objective for p in self.parts)
        bound = sum(p.bound for p in self.parts)
        return 0.0 if objective <= 0 else max(0.0, (objective - bound) / objective)


# --- splitting the county -----------------------------------------------------------------------


def _eligible(problem: Problem) -> dict[int, list[ClassNeed]]:
    """Per teacher, the needs they may serve: their subject, within reach of their base."""
    out: dict[int, list[ClassNeed]] = {}
    for teacher in problem.teachers:
        reachable = {
            s for s in {n.school_id for n in problem.needs} if problem.reach(teacher, s) is not None
        }
        out[teacher.teacher_id] = [
            n for n in problem.needs if n.subject in teacher.subjects and n.school_id in reachable
        ]
    return out


Group = tuple[list[ItinerantTeacher], list[ClassNeed]]


def _parts(problem: Problem, eligible: dict[int, list[ClassNeed]]) -> list[Group]:
    """Groups of teachers and needs linked by who may serve what (union-find); needs no teacher may
    serve are left out (they stay uncovered)."""
    parent: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for teacher in problem.teachers:
        for need in eligible[teacher.teacher_id]:
            parent[find(("t", teacher.teacher_id))] = find(("n", need.index))
    groups: dict[Any, Group] = defaultdict(lambda: ([], []))
    for teacher in problem.teachers:
        if eligible[teacher.teacher_id]:
            groups[find(("t", teacher.teacher_id))][0].append(teacher)
    served = {n.index for ns in eligible.values() for n in ns}
    for need in problem.needs:
        if need.index in served:
            groups[find(("n", need.index))][1].append(need)
    return sorted(groups.values(), key=lambda g: min(n.index for n in g[1]))


# --- a teacher's possible days ------------------------------------------------------------------


@dataclass(frozen=True)
class DayPattern:
    """Where a teacher is in each session of a day away from the base (a school id per session, the
    base where they do not teach out), and the day's road minutes."""

    places: tuple[int, ...]
    minutes: int


def day_patterns(
    problem: Problem, teacher: ItinerantTeacher, schools: list[int]
) -> list[DayPattern]:
    """The days a teacher may spend away: at one school (from the first session it can be reached
    in), or at one school and then, after a break long enough for the drive, at one of the
    ``pair_neighbours`` nearest others."""
    rules, base = problem.rules, teacher.base_id
    sessions = len(rules.sessions)
    allowance = rules.minutes_before_first()
    travel = problem.travel.minutes
    out = []
    for s in schools:
        one_way = travel(base, s)
        if one_way is None:
            continue
        first = 0 if one_way <= allowance else 1
        if first >= sessions:
            continue
        out.append(
            DayPattern(tuple(base if k < first else s for k in range(sessions)), 2 * one_way)
        )
        if first:
            continue
        near = sorted((m, b) for b in schools if b != s and (m := travel(s, b)) is not None)
        for move, b in near[: rules.reach.pair_neighbours]:
            back = travel(b, base)
            if back is None:
                continue
            for split in range(1, sessions):
                if move <= rules.gap_minutes(split - 1):
                    places = tuple(s if k < split else b for k in range(sessions))
                    out.append(DayPattern(places, one_way + move + back))
    return out


# --- one part as a model ------------------------------------------------------------------------

XKey = tuple[int, int, int, int]  # teacher, need index, day, session


class _PartModel:
    """One part's week as a CP-SAT model, and the greedy week given to it as a hint."""

    def __init__(
        self, problem: Problem, group: Group, eligible: dict[int, list[ClassNeed]]
    ) -> None:
        self.problem = problem
        self.rules = problem.rules
        self.teachers, self.needs = group
        self.model = cp_model.CpModel()
        self.days = range(len(self.rules.days))
        self.sessions = range(len(self.rules.sessions))
        self.eligible = {t.teacher_id: eligible[t.teacher_id] for t in self.teachers}
        self.x: dict[XKey, cp_model.IntVar] = {}
        self.uncovered: dict[int, cp_model.IntVar] = {}
        self.patterns: dict[tuple[int, int], list[tuple[DayPattern, cp_model.IntVar]]] = {}
        self.weight = 1
        self._build()

    def _build(self) -> None:
        m = self.model
        for teacher in self.teachers:
            self._teacher(teacher)
        by_class: dict[tuple[Any, ...], list[cp_model.IntVar]] = defaultdict(list)
        by_need_day: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        by_need: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (_tid, n_index, d, k), var in self.x.items():
            need = self.problem.needs[n_index]
            by_class[(need.class_key, d, k)].append(var)
            by_need_day[(n_index, d)].append(var)
            by_need[n_index].append(var)
        for (_class, _d, k), lessons in by_class.items():
            if len(lessons) > self.rules.sessions[k].periods:
                m.add(sum(lessons) <= self.rules.sessions[k].periods)
        for lessons in by_need_day.values():
            if len(lessons) > 1:
                m.add_at_most_one(lessons)
        for need in self.needs:
            u = m.new_int_var(0, need.lessons, f"u{need.index}")
            m.add(sum(by_need[need.index]) + u == need.lessons)
            self.uncovered[need.index] = u
        travel = [(var, p.minutes) for chosen in self.patterns.values() for p, var in chosen]
        # above any week's travel: one lesson more covered always wins
        self.weight = 1 + sum(
            max((p.minutes for p, _ in self.patterns[(t.teacher_id, 0)]), default=0)
            * min(t.max_trips, len(self.days))
            for t in self.teachers
        )
        m.minimize(
            self.weight * sum(self.uncovered.values()) + sum(v * minutes for v, minutes in travel)
        )

    def _teacher(self, teacher: ItinerantTeacher) -> None:
        m, _rules = self.model, self.rules
        tid, base = teacher.teacher_id, teacher.base_id
        schools = sorted({n.school_id for n in self.eligible[tid]} - {base})
        patterns = day_patterns(self.problem, teacher, schools)
        lessons: list[cp_model.IntVar] = []
        trips: list[cp_model.IntVar] = []
        for d in self.days:
            chosen = [(p, m.new_bool_var(f"p{tid}_{d}_{i}")) for i, p in enumerate(patterns)]
            self.patterns[(tid, d)] = chosen
            if len(chosen) > 1:
                m.add_at_most_one(var for _, var in chosen)
            trips.extend(var for _, var in chosen)
            for k in self.sessions:
                lessons.extend(self._session(teacher, d, k, chosen))
        if len(lessons) > teacher.max_lessons:
            m.add(sum(lessons) <= teacher.max_lessons)
        if len(trips) > teacher.max_trips:
            m.add(sum(trips) <= teacher.max_trips)

    def _session(
        self,
        teacher: ItinerantTeacher,
        d: int,
        k: int,
        chosen: list[tuple[DayPattern, cp_model.IntVar]],
    ) -> list[cp_model.IntVar]:
        """The teacher's possible lessons in one session: at a school only when the day's pattern
        puts them there, at the base only when it does not take them away."""
        m, tid, base = self.model, teacher.teacher_id, teacher.base_id
        there: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for p, var in chosen:
            there[p.places[k]].append(var)
        away = [v for s, vs in there.items() if s != base for v in vs]
        lessons = []
        for need in self.eligible[tid]:
            if need.school_id != base and need.school_id not in there:
                continue
            x = m.new_bool_var(f"x{tid}_{need.index}_{d}_{k}")
            if need.school_id == base:
                if away:
                    m.add(x + sum(away) <= 1)
            else:
                m.add(x <= sum(there[need.school_id]))
            self.x[(tid, need.index, d, k)] = x
            lessons.append(x)
        if len(lessons) > self.rules.sessions[k].periods:
            m.add(sum(lessons) <= self.rules.sessions[k].periods)
        return lessons

    # --- the greedy week given as a hint ---------------------------------------------------

    def greedy_week(self) -> tuple[set[XKey], set[tuple[int, int, int]], dict[int, int]]:
        """Teacher by teacher, day by day: go where the most lessons can still be given, teach
        every class that may have one there, until the teacher's lessons or trips run out.
        Returns the lessons taken, the (teacher, day, pattern index) chosen and the lessons left."""
        left = {n.index: n.lessons for n in self.needs}
        taught_on: set[tuple[int, int]] = set()  # (need, day)
        class_load: dict[tuple[Any, ...], int] = defaultdict(int)  # (class, day, session)
        picked_x: set[XKey] = set()
        picked_p: set[tuple[int, int, int]] = set()
        for teacher in sorted(self.teachers, key=lambda t: len(self.eligible[t.teacher_id])):
            budget, trips = teacher.max_lessons, teacher.max_trips
            for d in self.days:
                if budget <= 0 or trips <= 0:
                    break
                best = self._best_day(teacher, d, left, taught_on, class_load, budget)
                if best is None:
                    continue
                i, keys = best
                picked_p.add((teacher.teacher_id, d, i))
                trips -= 1
                for key in keys:
                    need = self.problem.needs[key[1]]
                    picked_x.add(key)
                    left[need.index] -= 1
                    taught_on.add((need.index, d))
                    class_load[(need.class_key, d, key[3])] += 1
                budget -= len(keys)
        return picked_x, picked_p, left

    def hint_greedy_week(self) -> None:
        """The greedy week as the solver's starting point (a complete, feasible hint)."""
        picked_x, picked_p, left = self.greedy_week()
        for key, var in self.x.items():
            self.model.add_hint(var, key in picked_x)
        for (tid, d), chosen in self.patterns.items():
            for i, (_p, var) in enumerate(chosen):
                self.model.add_hint(var, (tid, d, i) in picked_p)
        for index, var in self.uncovered.items():
            self.model.add_hint(var, left[index])

    def _best_day(
        self,
        teacher: ItinerantTeacher,
        d: int,
        left: dict[int, int],
        taught_on: set[tuple[int, int]],
        class_load: dict[tuple[Any, ...], int],
        budget: int,
    ) -> tuple[int, list[XKey]] | None:
        best: tuple[int, list[XKey]] | None = None
        for i, (pattern, _var) in enumerate(self.patterns[(teacher.teacher_id, d)]):
            keys = self._fill(teacher, d, pattern, left, taught_on, class_load, budget)
            if keys and (best is None or len(keys) > len(best[1])):
                best = (i, keys)
        return best

    def _fill(
        self,
        teacher: ItinerantTeacher,
        d: int,
        pattern: DayPattern,
        left: dict[int, int],
        taught_on: set[tuple[int, int]],
        class_load: dict[tuple[Any, ...], int],
        budget: int,
    ) -> list[XKey]:
        keys: list[XKey] = []
        used: set[int] = set()
        for k in self.sessions:
            periods = self.rules.sessions[k].periods
            in_session = 0
            for need in self.eligible[teacher.teacher_id]:
                key = (teacher.teacher_id, need.index, d, k)
                if (
                    len(keys) >= budget
                    or in_session >= periods
                    or need.school_id != pattern.places[k]
                    or key not in self.x
                    or left[need.index] <= 0
                    or need.index in used
                    or (need.index, d) in taught_on
                    or class_load[(need.class_key, d, k)] >= periods
                ):
                    continue
                keys.append(key)
                used.add(need.index)
                in_session += 1
        return keys


def _fewest_uncovered(bound: float, weight: int) -> int:
    """From the objective's lower bound, the fewest lessons any plan can leave open (a plan's
    travel is below ``weight``)."""
    return max(0, math.ceil((bound - (weight - 1)) / weight))


def _solve_part(
    problem: Problem,
    group: Group,
    eligible: dict[int, list[ClassNeed]],
    seconds: float,
    workers: int,
) -> tuple[Part, list[SessionLesson], dict[int, int]]:
    started = time.monotonic()
    built = _PartModel(problem, group, eligible)
    built.hint_greedy_week()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, seconds - (time.monotonic() - started))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    # the week's symmetric days and teachers make symmetry detection and probing cost seconds in
    # presolve without shortening the search: off, so the search starts within the time share
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    status = solver.solve(built.model)
    lessons: list[SessionLesson] = []
    teachers, needs = group
    uncovered = {n.index: n.lessons for n in needs}
    objective = bound = 0.0
    travel = 0
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        lessons = [
            SessionLesson(tid, problem.needs[n], d, k)
            for (tid, n, d, k), var in built.x.items()
            if solver.value(var)
        ]
        uncovered = {n: solver.value(u) for n, u in built.uncovered.items() if solver.value(u)}
        objective, bound = solver.objective_value, solver.best_objective_bound
        travel = round(objective) % built.weight
    part = Part(
        name=" / ".join(sorted({problem.schools[t.base_id].township for t in teachers})),
        teachers=len(teachers),
        needs=len(needs),
        status=solver.status_name(status),
        objective=objective,
        bound=bound,
        seconds=time.monotonic() - started,
        uncovered=sum(uncovered.values()),
        uncovered_bound=_fewest_uncovered(bound, built.weight),
        travel_minutes=travel,
    )
    return part, lessons, uncovered


def greedy_baseline(problem: Problem) -> tuple[int, int]:
    """The greedy week alone (the solver's starting point): lessons covered and road minutes."""
    eligible = _eligible(problem)
    covered = minutes = 0
    for group in _parts(problem, eligible):
        model = _PartModel(problem, group, eligible)
        lessons, days, _left = model.greedy_week()
        covered += len(lessons)
        minutes += sum(model.patterns[(tid, d)][i][0].minutes for tid, d, i in days)
    return covered, minutes


def solve(
    problem: Problem, *, time_limit: float | None = None, workers: int | None = None
) -> Solution:
    """The week's plan: every part solved within its share of ``time_limit`` seconds (by its number
    of possible lessons; time a part leaves unused goes to the rest), on ``workers`` threads."""
    started = time.monotonic()
    limit = time_limit if time_limit is not None else problem.rules.solver.time_limit_seconds
    workers = workers or problem.rules.solver.workers
    eligible = _eligible(problem)
    parts = _parts(problem, eligible)
    sizes = [sum(len(eligible[t.teacher_id]) for t in ts) or 1 for ts, _ in parts]
    solution = Solution()
    for i, group in enumerate(parts):
        remaining = max(0.0, limit - (time.monotonic() - started))
        share = remaining * sizes[i] / sum(sizes[i:])
        part, lessons, uncovered = _solve_part(problem, group, eligible, share, workers)
        solution.parts.append(part)
        solution.lessons.extend(lessons)
        solution.uncovered.update(uncovered)
    served = {n.index for _ts, ns in parts for n in ns}
    for need in problem.needs:
        if need.index not in served:
            solution.uncovered[need.index] = need.lessons
            solution.unserved += need.lessons
    solution.seconds = time.monotonic() - started
    return solution
