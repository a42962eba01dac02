"""Teachers' days read back from a timetable: where each teacher is in each session, the trips and
the road minutes of the day (base → first place → ... → base). Used to report a plan, whichever way
it was made, so the figures come from the timetable itself."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from notoneless.schools.itinerant.travel import Travel
from notoneless.schools.rules_data import ItinerantRules

__all__ = ["TeacherWeek", "weeks"]


@dataclass
class TeacherWeek:
    teacher_id: int
    base_id: int
    lessons: int = 0
    trips: int = 0
    travel_minutes: int = 0
    unknown_legs: int = 0  # legs between places with no road time (none in a valid plan)

    def as_dict(self) -> dict[str, int]:
        return {
            "teacher_id": self.teacher_id,
            "lessons": self.lessons,
            "trips": self.trips,
            "travel_minutes": self.travel_minutes,
        }


def places_by_session(
    rules: ItinerantRules, day_lessons: Iterable[tuple[int, int]], base_id: int
) -> list[set[int]]:
    """For one teacher's day, the schools of each session's lessons ((period, school) pairs); a
    session without lessons is spent at the base."""
    places: list[set[int]] = [set() for _ in rules.sessions]
    for period, school_id in day_lessons:
        places[rules.session_of_period(period)].add(school_id)
    return [p or {base_id} for p in places]


def weeks(
    rules: ItinerantRules,
    travel: Travel,
    bases: dict[int, int],
    lessons: Iterable[tuple[int, int, int, int]],
) -> dict[int, TeacherWeek]:
    """Per teacher (id → week), from lessons given as (teacher_id, day, period, school_id)."""
    by_day: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    out = {tid: TeacherWeek(tid, base) for tid, base in bases.items()}
    for tid, day, period, school_id in lessons:
        by_day[(tid, day)].append((period, school_id))
        out[tid].lessons += 1
    for (tid, _day), day_lessons in by_day.items():
        week = out[tid]
        route = [week.base_id]
        for places in places_by_session(rules, day_lessons, week.base_id):
            route.extend(sorted(places))
        route.append(week.base_id)
        if any(s != week.base_id for s in route):
            week.trips += 1
        for a, b in itertools.pairwise(route):
            minutes = travel.minutes(a, b)
            if minutes is None:
                week.unknown_legs += 1
            else:
                week.travel_minutes += minutes
    return out
