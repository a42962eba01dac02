"""The planner's input: the lessons a week each class still needs of the itinerant subjects (from the
staffing norm), the itinerant teachers (the teachers' register, post 走教教师, with the rules' limits)
and the road times. Input the planner cannot use is noted with the reason, never dropped silently."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from notoneless.registry.models import Term
from notoneless.schools import frames
from notoneless.schools.itinerant.travel import Travel
from notoneless.schools.rules_data import (
    ItinerantRules,
    StaffingRules,
    itinerant_rules,
    staffing_rules,
)
from notoneless.schools.staffing import open_lessons

__all__ = ["ClassNeed", "ItinerantTeacher", "Note", "Problem", "SchoolInfo", "build_problem"]


@dataclass(frozen=True)
class SchoolInfo:
    school_id: int
    code: str
    name: str
    township_id: int
    township: str


@dataclass(frozen=True)
class ClassNeed:
    """Lessons a week one class needs of one subject from itinerant teachers."""

    index: int
    school_id: int
    grade: int
    class_name: str
    subject: str
    lessons: int

    @property
    def class_key(self) -> tuple[int, int, str]:
        return (self.school_id, self.grade, self.class_name)


@dataclass(frozen=True)
class ItinerantTeacher:
    teacher_id: int
    name: str
    base_id: int
    subjects: tuple[str, ...]
    max_lessons: int
    max_trips: int


@dataclass(frozen=True)
class Note:
    """Something in the input the planner could not use, and what it did instead."""

    code: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "zh": self.zh, "en": self.en}


@dataclass
class Problem:
    rules: ItinerantRules
    schools: dict[int, SchoolInfo]
    needs: list[ClassNeed]
    teachers: list[ItinerantTeacher]
    travel: Travel
    notes: list[Note] = field(default_factory=list)

    def reach(self, teacher: ItinerantTeacher, school_id: int) -> int | None:
        """Minutes from the teacher's base to a school the teacher may serve, or None when out of
        reach (another township under the rules, too far, or no road time known)."""
        base, school = self.schools[teacher.base_id], self.schools[school_id]
        if self.rules.reach.same_township_only and base.township_id != school.township_id:
            return None
        minutes = self.travel.minutes(teacher.base_id, school_id)
        if minutes is None or minutes > self.rules.reach.max_one_way_minutes:
            return None
        return minutes

    def summary(self) -> dict[str, Any]:
        return {
            "needs": len(self.needs),
            "lessons": sum(n.lessons for n in self.needs),
            "teachers": len(self.teachers),
            "notes": [n.as_dict() for n in self.notes],
        }


def _school_infos() -> dict[int, SchoolInfo]:
    return {
        row["school_id"]: SchoolInfo(
            row["school_id"], row["code"], row["name"], row["township_id"], row["township"]
        )
        for row in frames.schools().iter_rows(named=True)
    }


def _coordinates() -> dict[int, tuple[float, float]]:
    frame = frames.schools().filter(
        pl.col("longitude").is_not_null() & pl.col("latitude").is_not_null()
    )
    return {
        r[0]: (r[1], r[2]) for r in frame.select("school_id", "longitude", "latitude").iter_rows()
    }


def _needs(
    term: Term | None, rules: ItinerantRules, staffing: StaffingRules, notes: list[Note]
) -> list[ClassNeed]:
    """The open lessons of the itinerant subjects at the schools itinerant teachers serve."""
    served = frames.schools().filter(pl.col("locality").is_in(rules.reach.served_localities))
    frame = (
        open_lessons(term, staffing)
        .filter(pl.col("subject").is_in(rules.subjects))
        .join(served.select("school_id"), on="school_id", how="semi")
        .sort("school_id", "grade", "class_name", "subject")
    )
    days = len(rules.days)
    needs = []
    for i, row in enumerate(frame.iter_rows(named=True)):
        lessons = row["open"]
        if lessons > days:
            notes.append(
                Note(
                    "more_lessons_than_days",
                    f"{row['grade']}年级{row['class_name']}{row['subject']}每周需{lessons}节，走教每天"
                    f"最多1节，按{days}节安排",
                    f"grade {row['grade']} {row['class_name']} needs {lessons} {row['subject']} "
                    f"lessons a week; itinerant teaching gives at most one a day: {days} planned",
                )
            )
        needs.append(
            ClassNeed(i, row["school_id"], row["grade"], row["class_name"], row["subject"], lessons)
        )
    return needs


def _teachers(
    rules: ItinerantRules, staffing: StaffingRules, notes: list[Note]
) -> list[ItinerantTeacher]:
    frame = frames.teachers().filter(pl.col("post") == staffing.itinerant_post).sort("teacher_id")
    out = []
    for row in frame.iter_rows(named=True):
        subjects = tuple(s for s in row["subjects"] if s in rules.subjects)
        if not subjects:
            written = "、".join(row["subjects"]) or "空"
            notes.append(
                Note(
                    "teacher_without_subjects",
                    f"走教教师{row['name']}没有可走教的学科（任教学科：{written}），未排课",
                    f"itinerant teacher {row['name']} teaches no itinerant subject "
                    f"(subjects: {', '.join(row['subjects']) or 'none'}): not scheduled",
                )
            )
            continue
        out.append(
            ItinerantTeacher(
                teacher_id=row["teacher_id"],
                name=row["name"],
                base_id=row["school_id"],
                subjects=subjects,
                max_lessons=rules.defaults.max_lessons,
                max_trips=rules.defaults.max_trips,
            )
        )
    return out


def _missing_travel(problem: Problem) -> None:
    """Note the pairs of schools in one township that the plan may need and no road time is known
    for: they are treated as out of reach."""
    by_township: dict[int, set[int]] = {}
    for need in problem.needs:
        by_township.setdefault(problem.schools[need.school_id].township_id, set()).add(
            need.school_id
        )
    for teacher in problem.teachers:
        by_township.setdefault(problem.schools[teacher.base_id].township_id, set()).add(
            teacher.base_id
        )
    missing = []
    for ids in by_township.values():
        ordered = sorted(ids)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if problem.travel.minutes(a, b) is None:
                    missing.append((problem.schools[a].name, problem.schools[b].name))
    if missing:
        shown = "；".join(f"{a}—{b}" for a, b in missing[:10])
        more = f"等{len(missing)}对" if len(missing) > 10 else ""
        problem.notes.append(
            Note(
                "travel_unknown",
                f"缺少路程时间（路程表中没有，学校也没有坐标）：{shown}{more}；这些学校之间不安排走教",
                f"no road time (not in the travel table, no coordinates) for {len(missing)} pair(s) "
                f"of schools, e.g. {'; '.join(f'{a} - {b}' for a, b in missing[:3])}: no itinerant "
                "teaching between them",
            )
        )


def build_problem(
    term: Term | None,
    rules: ItinerantRules | None = None,
    staffing: StaffingRules | None = None,
) -> Problem:
    """The week to plan for ``term`` from the registers and the rules."""
    rules = rules or itinerant_rules()
    staffing = staffing or staffing_rules()
    notes: list[Note] = []
    problem = Problem(
        rules=rules,
        schools=_school_infos(),
        needs=_needs(term, rules, staffing, notes),
        teachers=_teachers(rules, staffing, notes),
        travel=Travel(frames.travel_table(), _coordinates(), rules.travel),
        notes=notes,
    )
    _missing_travel(problem)
    return problem
