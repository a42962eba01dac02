"""The rules as data: the placement proposal from disability type and grade, and the home-teaching
requirement, both validated when read."""

from __future__ import annotations

from pathlib import Path

import pytest

from notoneless.inclusion.rules import (
    HOME_TEACHING_FILE,
    PLACEMENT_FILE,
    RulesError,
    load_home_teaching,
    load_placement,
    placement_rules,
)


@pytest.mark.parametrize(
    ("kind", "grade", "setting", "alternatives"),
    [
        ("intellectual", 1, "home", ("special_school",)),
        ("intellectual", 2, "home", ("special_school",)),
        ("multiple", 1, "home", ("special_school",)),
        ("mental", 2, "home", ("special_school",)),
        ("visual", 2, "special_school", ("regular",)),
        ("hearing", 1, "special_school", ("regular",)),
        ("physical", 1, "home", ("regular",)),
        ("intellectual", 3, "special_school", ("regular",)),
        ("physical", 2, "regular", ()),
        ("hearing", 3, "regular", ()),
        ("intellectual", 4, "regular", ()),
        ("multiple", 4, "regular", ()),
    ],
)
def test_the_default_mapping_proposes_a_setting_from_type_and_grade(
    kind: str, grade: int, setting: str, alternatives: tuple[str, ...]
):
    proposal = placement_rules().propose(kind, grade)
    assert (proposal.setting, proposal.alternatives) == (setting, alternatives)
    assert proposal.note


def test_an_assessment_severity_reads_as_a_certificate_grade():
    assert placement_rules().severity_grade == {"severe": 1, "moderate": 3, "mild": 4}


def test_the_home_teaching_default_is_two_visits_a_week_and_216_hours_a_year():
    rules = load_home_teaching()
    assert (rules.visits_per_week, rules.yearly_class_hours) == (2, 216)
    assert rules.weekly_hours == 6
    assert "hospital" in rules.pauses


def test_an_unknown_setting_in_the_placement_rules_is_refused_naming_the_key(tmp_path: Path):
    bad = tmp_path / "placement.toml"
    text = PLACEMENT_FILE.read_text(encoding="utf-8").replace(
        'setting = "special_school"', 'setting = "boarding"', 1
    )
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=r"placement.toml: rules\.1\.setting.*boarding"):
        load_placement(bad)


def test_a_grade_outside_one_to_four_is_refused(tmp_path: Path):
    bad = tmp_path / "placement.toml"
    text = PLACEMENT_FILE.read_text(encoding="utf-8").replace(
        "grades = [1, 2]", "grades = [0, 2]", 1
    )
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=r"rules\.0\.grades\.0"):
        load_placement(bad)


def test_a_missing_visits_per_week_is_refused_naming_it(tmp_path: Path):
    bad = tmp_path / "home_teaching.toml"
    text = HOME_TEACHING_FILE.read_text(encoding="utf-8").replace("visits_per_week = 2\n", "")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match="visits_per_week"):
        load_home_teaching(bad)
