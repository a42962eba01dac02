"""Teachers: spread over the schools by size, subjects by school type, itinerant teachers (走教)
of music, PE, art and IT at rural schools."""

from __future__ import annotations

import numpy as np
import polars as pl

from notoneless.demo.generator import ids, noise
from notoneless.demo.generator.county import CountyState
from notoneless.demo.generator.registers import Register
from notoneless.demo.generator.schools import allocate

SUBJECTS = {
    "kindergarten": (("学前教育", 1.0),),
    "primary": (
        ("语文", 0.34),
        ("数学", 0.28),
        ("英语", 0.08),
        ("音乐", 0.05),
        ("体育", 0.07),
        ("美术", 0.05),
        ("信息技术", 0.03),
        ("科学", 0.06),
        ("道德与法治", 0.04),
    ),
    "secondary": (
        ("语文", 0.16),
        ("数学", 0.16),
        ("英语", 0.14),
        ("物理", 0.08),
        ("化学", 0.06),
        ("生物", 0.06),
        ("道德与法治", 0.06),
        ("历史", 0.06),
        ("地理", 0.06),
        ("音乐", 0.03),
        ("体育", 0.06),
        ("美术", 0.03),
        ("信息技术", 0.04),
    ),
    "vocational": (
        ("专业课", 0.45),
        ("语文", 0.12),
        ("数学", 0.12),
        ("英语", 0.1),
        ("体育", 0.06),
        ("信息技术", 0.1),
        ("音乐", 0.05),
    ),
    "special": (("特殊教育", 0.7), ("语文", 0.1), ("数学", 0.1), ("体育", 0.05), ("美术", 0.05)),
}
ITINERANT_SUBJECTS = ("音乐", "体育", "美术", "信息技术")
TITLES = ("正高级教师", "高级教师", "一级教师", "二级教师", "三级教师", "未定级")


def _subject_family(school_type: str) -> str:
    if school_type == "kindergarten":
        return "kindergarten"
    if school_type in ("primary", "teaching_point"):
        return "primary"
    if school_type in ("vocational", "special"):
        return school_type
    return "secondary"


def _school_of_each(state: CountyState, n: int) -> np.ndarray:
    """Teachers spread over the schools by their number of students, at least two each."""
    schools = state.schools
    size = state.students.group_by("s_idx").len().sort("s_idx")
    students_at = np.zeros(schools.height)
    students_at[size["s_idx"].to_numpy()] = size["len"].to_numpy()
    floor = np.minimum(2, n // max(1, schools.height))
    per_school = floor + allocate(n - floor * schools.height, students_at + 5)
    return np.repeat(np.arange(schools.height), per_school)


def _titles(r: np.random.Generator, age: np.ndarray) -> np.ndarray:
    n = len(age)
    return np.select(
        [age > 50, age > 40, age > 32, age > 26],
        [
            np.array(TITLES)[r.choice([0, 1, 2], size=n, p=[0.05, 0.6, 0.35])],
            np.array(TITLES)[r.choice([1, 2, 3], size=n, p=[0.35, 0.5, 0.15])],
            np.array(TITLES)[r.choice([2, 3], size=n, p=[0.5, 0.5])],
            np.array(TITLES)[r.choice([3, 4, 5], size=n, p=[0.5, 0.2, 0.3])],
        ],
        "未定级",
    )


def teachers(state: CountyState) -> Register:
    p = state.persons
    pids = np.flatnonzero(p["role"].to_numpy().astype(str) == "teacher")
    r = state.rng("teachers-file")
    n = len(pids)
    schools = state.schools
    s_idx = _school_of_each(state, n)
    types = schools["type"].to_numpy().astype(str)[s_idx]
    rural = schools["locality"].to_numpy().astype(str)[s_idx] != "urban"
    subject = np.empty(n, dtype=object)
    for fam_name in SUBJECTS:
        mask = np.vectorize(_subject_family)(types) == fam_name if n else np.zeros(0, dtype=bool)
        options = SUBJECTS[fam_name]
        w = np.array([o[1] for o in options])
        subject[mask] = np.array([o[0] for o in options])[
            r.choice(len(options), size=mask.sum(), p=w / w.sum())
        ]
    birth = p["birth"].to_numpy()[pids]
    age = (np.datetime64("2020-09-01") - birth.astype("datetime64[D]")).astype(np.int64) / 365.25
    title = _titles(r, age)
    degree = np.where(
        types == "kindergarten",
        np.array(["本科", "专科", "中专"])[r.choice(3, size=n, p=[0.35, 0.5, 0.15])],
        np.array(["研究生", "本科", "专科", "中专"])[r.choice(4, size=n, p=[0.08, 0.7, 0.2, 0.02])],
    )
    post = np.full(n, "专任教师", dtype=object)
    post[np.isin(subject, ITINERANT_SUBJECTS) & rural & (r.random(n) < 0.5)] = "走教教师"
    post[r.random(n) < 0.03] = "教辅人员"
    # the oldest teacher of each school is its principal, the next a vice-principal
    order = np.lexsort((birth, s_idx))
    first = np.ones(n, dtype=bool)
    first[1:] = s_idx[order][1:] != s_idx[order][:-1]
    second = np.zeros(n, dtype=bool)
    second[1:] = first[:-1] & ~first[1:]
    post[order[first]] = "校长"
    post[order[second]] = "副校长"
    male = p["male"].to_numpy()[pids]
    frame = pl.DataFrame(
        {
            "姓名": p["name"].to_numpy()[pids],
            "身份证号": p["id"].to_numpy()[pids],
            "性别": np.where(male, "男", "女"),
            "出生日期": noise.date_strings(birth),
            "学校标识码": schools["code"].to_numpy()[s_idx],
            "任教学科": subject.astype(str),
            "学历": degree,
            "职称": title,
            "岗位": post.astype(str),
            "联系电话": ids.phones(r, n),
        }
    )
    return Register("teachers", frame, pids)
