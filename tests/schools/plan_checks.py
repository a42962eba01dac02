"""An independent check of an itinerant plan against every rule, written from the rules, not from
the solver: the tests run it on each plan they make. Returns the violations found, as sentences."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from notoneless.schools.itinerant.problem import Problem


@dataclass(frozen=True)
class Lesson:
    teacher_id: int
    school_id: int
    grade: int
    class_name: str
    subject: str
    day: int  # 1-based
    period: int  # 1-based


def violations(problem: Problem, lessons: list[Lesson], uncovered: dict[tuple, int]) -> list[str]:
    """``uncovered``: (school_id, grade, class_name, subject) -> lessons left open."""
    rules = problem.rules
    teachers = {t.teacher_id: t for t in problem.teachers}
    out: list[str] = []
    demand = {(n.school_id, n.grade, n.class_name, n.subject): n.lessons for n in problem.needs}

    def session_of(period: int) -> int:
        upto = 0
        for k, s in enumerate(rules.sessions):
            upto += s.periods
            if period <= upto:
                return k
        out.append(f"period {period} is after the school day")
        return len(rules.sessions) - 1

    def start(k: int) -> int:
        return rules.sessions[k].starts.hour * 60 + rules.sessions[k].starts.minute

    def end(k: int) -> int:
        s = rules.sessions[k]
        return start(k) + s.periods * rules.lesson_minutes + (s.periods - 1) * s.break_minutes

    teacher_slot: dict[tuple, int] = defaultdict(int)
    class_slot: dict[tuple, int] = defaultdict(int)
    class_subject_day: dict[tuple, int] = defaultdict(int)
    taught: dict[tuple, int] = defaultdict(int)
    day_places: dict[tuple, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    per_teacher: dict[int, int] = defaultdict(int)
    for x in lessons:
        t = teachers.get(x.teacher_id)
        if t is None:
            out.append(f"teacher {x.teacher_id} is not an itinerant teacher")
            continue
        if x.subject not in t.subjects:
            out.append(f"{t.name} teaches {x.subject}, not one of {t.subjects}")
        if not 1 <= x.day <= len(rules.days):
            out.append(f"day {x.day} is not a school day")
        teacher_slot[(x.teacher_id, x.day, x.period)] += 1
        class_slot[(x.school_id, x.grade, x.class_name, x.day, x.period)] += 1
        class_subject_day[(x.school_id, x.grade, x.class_name, x.subject, x.day)] += 1
        taught[(x.school_id, x.grade, x.class_name, x.subject)] += 1
        day_places[(x.teacher_id, x.day)][session_of(x.period)].add(x.school_id)
        per_teacher[x.teacher_id] += 1
        base, school = problem.schools[t.base_id], problem.schools[x.school_id]
        if rules.reach.same_township_only and base.township_id != school.township_id:
            out.append(f"{t.name} teaches outside the township at {school.name}")
        minutes = problem.travel.minutes(t.base_id, x.school_id)
        if minutes is None or minutes > rules.reach.max_one_way_minutes:
            out.append(f"{t.name} teaches at {school.name}, out of reach ({minutes} minutes)")
    out += [
        f"teacher {k[0]} has {n} lessons on day {k[1]} period {k[2]}"
        for k, n in teacher_slot.items()
        if n > 1
    ]
    out += [
        f"class {k[:3]} has {n} itinerant lessons at once" for k, n in class_slot.items() if n > 1
    ]
    out += [
        f"class {k[:3]} has {n} {k[3]} lessons on day {k[4]}"
        for k, n in class_subject_day.items()
        if n > 1
    ]
    for key, n in taught.items():
        if n > demand.get(key, 0):
            out.append(f"{key} gets {n} lessons for a need of {demand.get(key, 0)}")
    for key, need in demand.items():
        if taught.get(key, 0) + uncovered.get(key, 0) != need:
            out.append(
                f"{key}: {taught.get(key, 0)} taught + {uncovered.get(key, 0)} open != {need}"
            )
    trips: dict[int, int] = defaultdict(int)
    for (tid, _day), by_session in day_places.items():
        t = teachers[tid]
        for places in by_session.values():
            if len(places) > 1:
                out.append(f"{t.name} is at {len(places)} schools in one session")
        teaching = sorted(by_session)
        if any(s != t.base_id for ps in by_session.values() for s in ps):
            trips[tid] += 1
        first = next(iter(by_session[teaching[0]]))
        if teaching[0] == 0 and first != t.base_id:
            leave = rules.leaves_base.hour * 60 + rules.leaves_base.minute
            need = problem.travel.minutes(t.base_id, first)
            if need is None or need > start(0) - leave:
                out.append(f"{t.name} cannot reach {first} for the first session ({need} minutes)")
        for a, b in itertools.pairwise(teaching):
            here, there = next(iter(by_session[a])), next(iter(by_session[b]))
            need = problem.travel.minutes(here, there)
            if need is None or need > start(b) - end(a):
                out.append(
                    f"{t.name} cannot drive from {here} to {there} between sessions ({need} min)"
                )
    for tid, n in per_teacher.items():
        if n > teachers[tid].max_lessons:
            out.append(
                f"{teachers[tid].name} teaches {n} lessons, more than {teachers[tid].max_lessons}"
            )
    for tid, n in trips.items():
        if n > teachers[tid].max_trips:
            out.append(
                f"{teachers[tid].name} travels on {n} days, more than {teachers[tid].max_trips}"
            )
    return out


def route_minutes(problem: Problem, lessons: list[Lesson]) -> int:
    """The week's road minutes: per teacher and day, base → each session's school → base."""
    rules = problem.rules
    base = {t.teacher_id: t.base_id for t in problem.teachers}
    days: dict[tuple, dict[int, int]] = defaultdict(dict)
    for x in lessons:
        days[(x.teacher_id, x.day)][rules.session_of_period(x.period)] = x.school_id
    total = 0
    for (tid, _day), by_session in days.items():
        route = [base[tid], *[by_session[k] for k in sorted(by_session)], base[tid]]
        total += sum(problem.travel.minutes(a, b) or 0 for a, b in itertools.pairwise(route))
    return total
