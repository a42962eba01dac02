"""The run and month logic on hand-made absences, frames only."""

from __future__ import annotations

from datetime import date

import polars as pl

from notoneless.retention import bulk
from notoneless.retention.dropout_rules import default_rules

TERM = (date(2020, 9, 1), date(2021, 1, 31))
AS_OF = date(2020, 11, 30)
PLACES = pl.DataFrame({"student_id": [1, 2, 3], "school_id": [10, 10, 20]})


def absences(*rows: tuple[int, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [(s, date.fromisoformat(d), status) for s, d, status in rows],
        schema=bulk.ABSENCE_SCHEMA,
        orient="row",
    )


def found(frame: pl.DataFrame) -> dict[tuple[int, str], dict]:
    days = bulk.school_days(*TERM)
    rows = bulk.suspects(PLACES, frame, days, AS_OF, default_rules())
    return {(r["student_id"], r["trigger"]): r for r in rows.iter_rows(named=True)}


def test_school_days_skip_holidays_and_keep_make_up_saturdays():
    days = bulk.school_days(date(2020, 9, 28), date(2020, 10, 11))["date"].to_list()
    assert days == [
        date(2020, 9, 28),
        date(2020, 9, 29),
        date(2020, 9, 30),
        date(2020, 10, 9),
        date(2020, 10, 10),  # make-up Saturday
    ]


def test_a_weekend_inside_a_run_keeps_it():
    frame = absences((1, "2020-11-06", "unexcused"), (1, "2020-11-09", "unexcused"))
    frame = pl.concat([frame, absences((1, "2020-11-10", "unexcused"))])
    case = found(frame)[(1, "consecutive")]
    assert case["first_date"] == date(2020, 11, 6)
    assert case["school_id"] == 10
    assert case["detail"]["days"] == 3


def test_a_holiday_and_a_make_up_saturday_inside_a_run_keep_it():
    frame = absences(
        (2, "2020-09-30", "unexcused"),
        (2, "2020-10-09", "unexcused"),
        (2, "2020-10-10", "unexcused"),
    )
    assert found(frame)[(2, "consecutive")]["detail"]["days"] == 3


def test_a_school_day_without_absence_breaks_the_run():
    frame = absences(
        (1, "2020-11-02", "unexcused"),
        (1, "2020-11-03", "unexcused"),
        (1, "2020-11-05", "unexcused"),
    )
    assert found(frame) == {}
    stats = bulk.attendance(PLACES, frame, bulk.school_days(*TERM), AS_OF)
    one = stats.filter(pl.col("student_id") == 1).row(0, named=True)
    assert (one["unexcused_days"], one["longest_run"]) == (3, 2)


def test_sick_and_personal_leave_never_trigger():
    days = [f"2020-11-{d:02d}" for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17)]
    frame = absences(*[(1, d, "sick") for d in days], *[(2, d, "personal") for d in days])
    assert found(frame) == {}


def test_ten_scattered_unexcused_days_in_a_month_trigger_monthly():
    days = [f"2020-11-{d:02d}" for d in (2, 4, 6, 10, 12, 16, 18, 20, 24, 26)]
    frame = absences(*[(3, d, "unexcused") for d in days])
    got = found(frame)
    assert set(got) == {(3, "monthly")}
    assert got[(3, "monthly")]["detail"]["month"] == "2020-11"
    assert got[(3, "monthly")]["school_id"] == 20


def test_nine_scattered_unexcused_days_do_not():
    days = [f"2020-11-{d:02d}" for d in (2, 4, 6, 10, 12, 16, 18, 20, 24)]
    assert found(absences(*[(3, d, "unexcused") for d in days])) == {}


def test_absences_after_the_scan_date_are_not_counted():
    days = ["2020-12-01", "2020-12-02", "2020-12-03"]
    assert found(absences(*[(1, d, "unexcused") for d in days])) == {}


def test_a_student_without_a_place_is_not_flagged():
    days = ["2020-11-02", "2020-11-03", "2020-11-04"]
    assert found(absences(*[(9, d, "unexcused") for d in days])) == {}


def test_attendance_rate_counts_absent_school_days_so_far():
    frame = absences((1, "2020-09-01", "sick"), (1, "2020-09-02", "unexcused"))
    stats = bulk.attendance(PLACES, frame, bulk.school_days(*TERM), date(2020, 9, 10))
    one = stats.filter(pl.col("student_id") == 1).row(0, named=True)
    assert one["school_days"] == 8
    assert one["absent_days"] == 2
    assert one["attendance_rate"] == 1 - 2 / 8


# --- school closures -------------------------------------------------------------------------------

CLOSED = pl.DataFrame(
    {"school_id": [10, 10], "date": [date(2020, 11, 4), date(2020, 11, 5)]},
    schema=bulk.CLOSURE_SCHEMA,
)


def with_school(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.join(PLACES, on="student_id", how="left")


def test_a_closed_day_of_the_school_does_not_break_an_unexcused_run():
    frame = with_school(absences((1, "2020-11-03", "unexcused"), (1, "2020-11-06", "unexcused")))
    days = bulk.school_days(*TERM)
    assert bulk.runs(frame, days)["days"].to_list() == [1, 1]
    run = bulk.runs(frame, days, closures=CLOSED).row(0, named=True)
    assert (run["first_date"], run["last_date"], run["days"]) == (
        date(2020, 11, 3),
        date(2020, 11, 6),
        2,
    )


def test_another_schools_closure_does_not_join_the_run():
    frame = with_school(absences((3, "2020-11-03", "unexcused"), (3, "2020-11-06", "unexcused")))
    got = bulk.runs(frame, bulk.school_days(*TERM), closures=CLOSED)
    assert got["days"].to_list() == [1, 1]  # student 3 is at school 20, which was open


def test_an_absence_on_a_closed_day_never_counts():
    frame = with_school(absences(*[(1, f"2020-11-0{d}", "unexcused") for d in (2, 3, 4, 5, 6)]))
    stats = bulk.attendance(PLACES, frame, bulk.school_days(*TERM), AS_OF, closures=CLOSED)
    one = stats.filter(pl.col("student_id") == 1).row(0, named=True)
    assert (one["absent_days"], one["unexcused_days"], one["longest_run"]) == (3, 3, 3)
    monthly = bulk.months(frame, bulk.school_days(*TERM), closures=CLOSED)
    assert monthly["days"].to_list() == [3]


def test_a_closure_keeps_a_run_that_reaches_the_threshold_and_is_reported_with_its_days():
    frame = with_school(absences((1, "2020-11-03", "unexcused"), (1, "2020-11-06", "unexcused")))
    frame = pl.concat([frame, with_school(absences((1, "2020-11-09", "unexcused")))])
    days = bulk.school_days(*TERM)
    assert bulk.suspects(PLACES, frame, days, AS_OF, default_rules()).height == 0
    got = bulk.suspects(PLACES, frame, days, AS_OF, default_rules(), closures=CLOSED)
    row = got.row(0, named=True)
    assert (row["student_id"], row["trigger"], row["detail"]["days"]) == (1, "consecutive", 3)


def test_the_attendance_rate_leaves_out_the_schools_closed_days():
    frame = absences((1, "2020-09-01", "sick"), (3, "2020-09-01", "sick"))
    closed = pl.DataFrame(
        {"school_id": [10, 10, 10], "date": [date(2020, 9, 2), date(2020, 9, 3), date(2020, 9, 5)]},
        schema=bulk.CLOSURE_SCHEMA,
    )  # 5 September 2020 was a Saturday: not a school day anyway
    stats = bulk.attendance(
        PLACES, frame, bulk.school_days(*TERM), date(2020, 9, 10), closures=closed
    )
    by_student = {r["student_id"]: r for r in stats.iter_rows(named=True)}
    assert by_student[1]["school_days"] == 6 and by_student[1]["attendance_rate"] == 1 - 1 / 6
    assert by_student[3]["school_days"] == 8 and by_student[3]["attendance_rate"] == 1 - 1 / 8


def test_school_days_within_terms_skip_the_winter_break_and_a_run_goes_on_across_it():
    terms = [(date(2020, 9, 1), date(2021, 1, 22)), (date(2021, 2, 22), date(2021, 7, 9))]
    days = bulk.school_days(date(2021, 1, 20), date(2021, 2, 24), terms=terms)
    assert days["date"].to_list() == [
        date(2021, 1, 20),
        date(2021, 1, 21),
        date(2021, 1, 22),
        date(2021, 2, 22),
        date(2021, 2, 23),
        date(2021, 2, 24),
    ]
    frame = absences((1, "2021-01-21", "unexcused"), (1, "2021-01-22", "unexcused"))
    frame = pl.concat([frame, absences((1, "2021-02-22", "unexcused"))])
    assert bulk.runs(frame, days)["days"].to_list() == [3]
