from datetime import date, timedelta

import pytest

from notoneless.lib.workdays import (
    CalendarNotCovered,
    HolidayFileError,
    add_working_days,
    covered,
    is_working_day,
    load_calendar,
    notice_ends,
    working_days_between,
)


def test_national_day_week_2020_is_off_from_1_to_8_october():
    for day in range(1, 9):
        assert not is_working_day(date(2020, 10, day))
    assert is_working_day(date(2020, 10, 9))


def test_make_up_days_of_national_day_2020_are_working_days():
    assert is_working_day(date(2020, 9, 27))  # Sunday
    assert is_working_day(date(2020, 10, 10))  # Saturday


def test_spring_festival_2021_is_off_from_11_to_17_february_with_two_make_up_days():
    assert [is_working_day(date(2021, 2, d)) for d in range(11, 18)] == [False] * 7
    assert is_working_day(date(2021, 2, 7))  # Sunday before
    assert is_working_day(date(2021, 2, 20))  # Saturday after
    assert is_working_day(date(2021, 2, 18))


def test_an_ordinary_saturday_is_not_a_working_day():
    assert not is_working_day(date(2020, 10, 17))
    assert not is_working_day(date(2020, 10, 18))


def test_a_make_up_saturday_counts_as_a_working_day():
    # Fri 9 Oct and the make-up Sat 10 Oct are the two working days of 9–11 October.
    assert working_days_between(date(2020, 10, 9), date(2020, 10, 12)) == 2
    assert add_working_days(date(2020, 10, 9), 1) == date(2020, 10, 10)


def test_working_days_between_counts_start_but_not_end():
    assert working_days_between(date(2020, 9, 28), date(2020, 9, 28)) == 0
    assert working_days_between(date(2020, 9, 28), date(2020, 9, 29)) == 1
    # 28–30 Sep, then 9 and 10 Oct; 1–8 Oct are off.
    assert working_days_between(date(2020, 9, 28), date(2020, 10, 11)) == 5


def test_working_days_between_refuses_an_end_before_start():
    with pytest.raises(ValueError):
        working_days_between(date(2020, 10, 2), date(2020, 10, 1))


def test_add_working_days_does_not_count_start_and_goes_both_ways():
    assert add_working_days(date(2020, 9, 30), 0) == date(2020, 9, 30)
    assert add_working_days(date(2020, 9, 30), 1) == date(2020, 10, 9)
    assert add_working_days(date(2020, 10, 9), -1) == date(2020, 9, 30)


def test_a_notice_posted_on_28_september_2020_allows_export_from_11_october():
    # Day 1–3: 28–30 Sep; 1–8 Oct off; day 4: Fri 9 Oct; day 5: the make-up Sat 10 Oct.
    assert notice_ends(date(2020, 9, 28)) == date(2020, 10, 11)


def test_a_notice_posted_on_a_working_monday_ends_after_friday():
    assert notice_ends(date(2020, 11, 2)) == date(2020, 11, 7)


def test_a_notice_posted_on_a_weekend_starts_counting_on_monday():
    assert notice_ends(date(2020, 10, 31)) == date(2020, 11, 7)


def test_a_notice_needs_at_least_one_working_day():
    assert notice_ends(date(2020, 11, 2), 1) == date(2020, 11, 3)
    with pytest.raises(ValueError):
        notice_ends(date(2020, 11, 2), 0)


def test_the_calendar_covers_2019_to_2026_and_holds_2027_as_not_announced():
    assert covered(date(2019, 1, 1))
    assert covered(date(2026, 12, 31))
    assert not covered(date(2018, 12, 31))
    assert not covered(date(2027, 1, 4))


def test_an_uncovered_year_raises_rather_than_guessing_weekdays():
    with pytest.raises(CalendarNotCovered, match="2027"):
        is_working_day(date(2027, 3, 1))
    with pytest.raises(CalendarNotCovered):
        working_days_between(date(2018, 12, 28), date(2019, 1, 3))


def test_a_notice_running_into_an_uncovered_year_raises():
    with pytest.raises(CalendarNotCovered):
        notice_ends(date(2026, 12, 28))


def test_every_shipped_make_up_day_is_a_weekend_day_and_no_day_is_both():
    cal = load_calendar()
    assert cal.make_up_days and all(d.weekday() >= 5 for d in cal.make_up_days)
    assert not cal.days_off & cal.make_up_days


def test_a_year_has_about_250_working_days():
    cal = load_calendar()
    for year in range(2019, 2027):
        days = (date(year, 1, 1) + timedelta(days=i) for i in range(366))
        count = sum(cal.is_working_day(d) for d in days if d.year == year)
        assert 244 <= count <= 252, (year, count)


def _write(tmp_path, body: str):
    path = tmp_path / "holidays.toml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD_YEAR = """
[2020]
status = "announced"

[[2020.holiday]]
name = "国庆节、中秋节"
off = ["2020-10-01..2020-10-08"]
work = ["2020-09-27", "2020-10-10"]
"""


def test_a_holiday_file_can_be_loaded_from_a_path(tmp_path):
    cal = load_calendar(_write(tmp_path, GOOD_YEAR))
    assert cal.is_working_day(date(2020, 10, 10))
    assert not cal.covered(date(2021, 1, 4))


def test_a_date_both_off_and_make_up_is_refused_naming_it(tmp_path):
    body = GOOD_YEAR + '\n[[2020.holiday]]\nname = "补班"\nwork = ["2020-10-03"]\n'
    with pytest.raises(HolidayFileError, match=r"2020-10-03 is both a day off .*国庆节.*补班"):
        load_calendar(_write(tmp_path, body))


def test_a_malformed_date_is_refused_naming_the_entry(tmp_path):
    body = GOOD_YEAR.replace('"2020-09-27"', '"2020-09-31"')
    with pytest.raises(HolidayFileError, match=r"\[2020\].*国庆节.*'2020-09-31' is not a date"):
        load_calendar(_write(tmp_path, body))


def test_a_date_under_the_wrong_year_is_refused_naming_the_entry(tmp_path):
    body = GOOD_YEAR.replace('"2020-10-10"', '"2021-10-10"')
    with pytest.raises(HolidayFileError, match=r"'2021-10-10'.*not in 2020; put it under \[2021\]"):
        load_calendar(_write(tmp_path, body))


def test_a_weekday_listed_as_make_up_day_is_refused(tmp_path):
    body = GOOD_YEAR.replace('"2020-10-10"', '"2020-10-09"')
    with pytest.raises(HolidayFileError, match=r"2020-10-09 is a weekday"):
        load_calendar(_write(tmp_path, body))


def test_a_year_not_announced_may_not_list_holidays(tmp_path):
    body = GOOD_YEAR.replace('status = "announced"', 'status = "not announced"')
    with pytest.raises(HolidayFileError, match=r"\[2020\]: a year not announced"):
        load_calendar(_write(tmp_path, body))


def test_a_section_that_is_not_a_year_is_refused(tmp_path):
    with pytest.raises(
        HolidayFileError, match=r"\[holidays\]: a section must be a four-digit year"
    ):
        load_calendar(_write(tmp_path, '[holidays]\nstatus = "announced"\n'))
