"""Absences of the autumn term 2020 (present is the default), with planted suspected dropouts.

School days are Monday to Friday from 1 September 2020 to 22 January 2021, without the National
Day and Mid-Autumn holiday (1-8 October 2020) and New Year's Day 2021, plus the make-up working
days Sunday 27 September and Saturday 10 October 2020.

``spring_absences`` and ``spring_frames`` give the spring term 2021 as well (22 February to 9 July 2021,
working days of ``lib/holidays.toml``), from a random stream of their own, so the autumn files stay as
they are; the demo does not write them (``benchmarks/retention_scan.py`` does, for a whole school year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from notoneless.demo.generator.county import CountyState

TERM_START, TERM_END = "2020-09-01", "2021-01-22"
HOLIDAYS = [f"2020-10-0{d}" for d in range(1, 9)] + ["2021-01-01"]
MAKE_UP_DAYS = ["2020-09-27", "2020-10-10"]
MONTHS = ("2020-09", "2020-10", "2020-11", "2020-12", "2021-01")
ABSENCE_RATE = 0.02
STATUS = ("病假", "事假", "旷课")
SPRING_START, SPRING_END = date(2021, 2, 22), date(2021, 7, 9)


def school_days() -> np.ndarray:
    days = np.arange(np.datetime64(TERM_START), np.datetime64(TERM_END) + 1)
    weekday = (days.astype(np.int64) + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    holidays = np.array(HOLIDAYS, dtype="datetime64[D]")
    make_up = np.array(MAKE_UP_DAYS, dtype="datetime64[D]")
    keep = ((weekday < 5) & ~np.isin(days, holidays)) | np.isin(days, make_up)
    return days[keep]


def spring_school_days() -> np.ndarray:
    """The spring term 2021's school days: working days of the holiday calendar (Qingming, Labour Day
    with its make-up days, Dragon Boat) from 22 February to 9 July 2021."""
    from notoneless.lib import workdays

    days, d = [], SPRING_START
    while d <= SPRING_END:
        if workdays.is_working_day(d):
            days.append(d)
        d += timedelta(days=1)
    return np.array(days, dtype="datetime64[D]")


@dataclass
class Dropout:
    pid: int
    student_number: str
    school_code: str
    dates: list[str]
    pattern: str


def absences(
    state: CountyState, days: np.ndarray | None = None, stream: str = "attendance"
) -> tuple[pl.DataFrame, list[Dropout]]:
    """Rows (pid, day index, status index) for the whole term and the planted dropouts; by default the
    autumn term 2020 (``days`` and ``stream`` give another term from its own random stream)."""
    r = state.rng(stream)
    facts = state.students
    n = facts.height
    days = school_days() if days is None else days
    n_days = len(days)
    month = days.astype("datetime64[M]").astype(np.int64)
    target = ABSENCE_RATE * n * n_days
    propensity = r.gamma(0.8, 1.25, n)
    p = propensity / propensity.sum()
    parts = []
    for status, share, lengths, length_p in (
        (0, 0.55, (1, 2, 3), (0.6, 0.25, 0.15)),
        (1, 0.40, (1, 2), (0.8, 0.2)),
        (2, 0.05, (1,), (1.0,)),
    ):
        mean = float(np.dot(lengths, length_p))
        k = round(target * share / mean)
        who = r.choice(n, size=k, p=p)
        start = r.integers(0, n_days, k)
        length = r.choice(lengths, size=k, p=length_p)
        rep = np.repeat(np.arange(k), length)
        offset = np.arange(len(rep)) - np.repeat(np.cumsum(length) - length, length)
        day = np.minimum(start[rep] + offset, n_days - 1)
        parts.append(
            pl.DataFrame({"row": who[rep], "day": day, "status": np.full(len(rep), status)})
        )
    rows = pl.concat(parts).unique(["row", "day"], keep="first", maintain_order=True)
    # at most one unexcused day per student and month: the rest become personal leave
    rows = rows.with_columns(pl.Series("month", month[rows["day"].to_numpy()]))
    nth = pl.col("day").rank("ordinal").over(["row", "month", "status"])
    rows = rows.with_columns(
        pl.when((pl.col("status") == 2) & (nth > 1))
        .then(1)
        .otherwise(pl.col("status"))
        .alias("status")
    ).drop("month")
    rows, dropouts = _plant_dropouts(state, r, rows, days)
    return rows.sort(["day", "row"]), dropouts


def _plant_dropouts(
    state: CountyState, r: np.random.Generator, rows: pl.DataFrame, days: np.ndarray
) -> tuple[pl.DataFrame, list[Dropout]]:
    facts = state.students
    stage = facts["stage"].to_numpy().astype(str)
    k = max(3, round(40 * state.factor))
    compulsory = np.flatnonzero(np.isin(stage, ["primary", "junior"]))
    upper = np.flatnonzero(np.isin(stage, ["senior", "vocational"]))
    n_upper = min(len(upper), round(k * 0.2))
    chosen = np.concatenate(
        [
            r.choice(compulsory, size=k - n_upper, replace=False),
            r.choice(upper, size=n_upper, replace=False),
        ]
    )
    month = days.astype("datetime64[M]")
    month_starts = np.flatnonzero(np.r_[True, month[1:] != month[:-1]])
    planted, dropouts = [], []
    for row in chosen:
        u = r.random()
        if u < 0.35:
            pattern, length = "returned", int(r.integers(3, 6))
            start = int(r.integers(0, len(days) - length))
        elif u < 0.6:
            pattern, length = "returned", int(r.integers(6, 10))
            start = int(r.integers(0, len(days) - length))
        else:
            m = int(r.integers(0, len(month_starts) - 1))
            start = int(month_starts[m] + r.integers(0, 3))
            left = r.random() < 0.4
            length = len(days) - start if left else int(r.integers(10, 21))
            pattern = "left" if left else "long"
        run = np.arange(start, min(start + length, len(days)))
        planted.append(
            pl.DataFrame(
                {"row": np.full(len(run), row), "day": run, "status": np.full(len(run), 2)}
            )
        )
        dropouts.append(
            Dropout(
                int(facts["pid"][int(row)]),
                str(facts["student_number"][int(row)]),
                str(facts["school_code"][int(row)]),
                [str(d) for d in days[run]],
                pattern,
            )
        )
    runs = pl.concat(planted).cast(rows.schema)
    rows = rows.join(runs.select("row", "day"), on=["row", "day"], how="anti")
    return pl.concat([rows, runs]), dropouts


def spring_absences(state: CountyState) -> tuple[pl.DataFrame, list[Dropout]]:
    """The spring term 2021's rows and planted dropouts (a random stream apart from the autumn's)."""
    return absences(state, spring_school_days(), "attendance-spring")


def spring_frames(state: CountyState, rows: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """attendance-2021-MM.csv frames of the spring term 2021, February to July."""
    return monthly_frames(state, rows, spring_school_days())


def monthly_frames(
    state: CountyState, rows: pl.DataFrame, days: np.ndarray | None = None
) -> dict[str, pl.DataFrame]:
    """attendance-YYYY-MM.csv frames: 学籍号, 姓名, 学校标识码, 日期, 考勤状态 (the autumn term's by
    default, else the months of ``days``)."""
    facts = state.students
    months = MONTHS if days is None else sorted(set(days.astype("datetime64[M]").astype(str)))
    days = school_days() if days is None else days
    r = rows["row"].to_numpy()
    d = rows["day"].to_numpy()
    frame = pl.DataFrame(
        {
            "学籍号": facts["student_number"].to_numpy()[r],
            "姓名": facts["name"].to_numpy()[r],
            "学校标识码": facts["school_code"].to_numpy()[r],
            "日期": pl.Series(days[d]).dt.strftime("%Y-%m-%d"),
            "考勤状态": np.array(STATUS)[rows["status"].to_numpy()],
            "_month": days[d].astype("datetime64[M]").astype(str),
            "_pid": facts["pid"].to_numpy()[r],
        }
    ).sort(["日期", "学校标识码", "学籍号"])
    out = {}
    for m in months:
        out[f"attendance-{m}"] = frame.filter(pl.col("_month") == m).drop("_month")
    return out
