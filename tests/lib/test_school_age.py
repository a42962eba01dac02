from datetime import date

import pytest

from notoneless.lib.school_age import SchoolAgeRule
from notoneless.registry.school_age import school_age_rule


@pytest.fixture
def rule() -> SchoolAgeRule:
    return school_age_rule()


def test_a_child_six_by_31_august_starts_that_september(rule):
    assert rule.entry_year(date(2014, 8, 31)) == 2020
    assert rule.starts(date(2014, 8, 31)) == date(2020, 9, 1)


def test_a_child_six_on_1_september_starts_a_year_later(rule):
    assert rule.entry_year(date(2014, 9, 1)) == 2021


def test_expected_grade_follows_the_entry_year(rule):
    assert rule.expected_grade(date(2008, 3, 5), 2020) == 7  # 七年级 in 2020 autumn
    assert rule.expected_grade(date(2015, 1, 1), 2020) == 0  # still in kindergarten


def test_compulsory_age_ends_at_16_or_when_grade_9_is_completed(rule):
    born = date(2004, 10, 1)
    assert rule.is_compulsory_age(born, date(2020, 9, 30))
    assert not rule.is_compulsory_age(born, date(2020, 10, 1))  # 16th birthday
    assert not rule.is_compulsory_age(date(2006, 1, 1), date(2020, 9, 1), completed_last_grade=True)
    assert not rule.is_compulsory_age(
        date(2015, 1, 1), date(2020, 9, 1)
    )  # not yet six by 31 August


def test_a_leap_day_birthday_is_handled(rule):
    assert rule.entry_year(date(2012, 2, 29)) == 2018
    assert rule.ends(date(2004, 2, 29)) == date(2020, 2, 29)
    assert rule.ends(date(2003, 2, 28)) == date(2019, 2, 28)


def test_the_rule_is_data_and_a_broken_file_is_refused(tmp_path):
    path = tmp_path / "rule.toml"
    path.write_text('version = "x"\nstart_age = 7\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"rule\.toml"):
        SchoolAgeRule.load(path)
    full = (
        'version = "late"\nstart_age = 7\ncutoff_month = 8\ncutoff_day = 31\nschool_year_starts_month = 9\n'
        "school_year_starts_day = 1\nlast_grade = 9\nend_age = 16\n"
    )
    path.write_text(full, encoding="utf-8")
    assert SchoolAgeRule.load(path).entry_year(date(2014, 8, 31)) == 2021
