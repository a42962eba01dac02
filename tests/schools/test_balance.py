"""Balance indicators per school part and the county's weighted coefficients of variation, worked out
by hand from the test county's figures (``county.py``)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from notoneless.lib.rulesfile import RulesError
from notoneless.schools import balance
from notoneless.schools.actions import ConditionsValues, save_conditions
from notoneless.schools.rules_data import load_balance
from schools.county import J1, N1, P1, P1_EXPECTED, P2, SP, T1, County

pytestmark = pytest.mark.django_db


def part(report: balance.BalanceReport, code: str, stage: str) -> dict:
    rows = report.parts.filter((report.parts["code"] == code) & (report.parts["stage"] == stage))
    assert rows.height == 1, f"{code} {stage}"
    return rows.row(0, named=True)


def test_each_indicator_of_a_school_is_its_count_over_its_enrolment(county: County) -> None:
    row = part(balance.build(2020), P1, "primary")
    for key, expected in P1_EXPECTED.items():
        assert row[key] == pytest.approx(expected), key
    assert row["students"] == 100 and row["assessed"]


def test_six_met_with_the_seventh_below_85_per_cent_fails_and_at_85_passes(county: County) -> None:
    row = part(balance.build(2020), P1, "primary")
    # sports ground 6.0 m² of 7.5: 80% of the threshold
    assert row["met"] == 6 and row["sports_ground__ratio"] == pytest.approx(0.8)
    assert not row["passes"]
    values = ConditionsValues(
        teaching_floor_m2=520,
        sports_ground_m2=640,
        equipment_value_fen=25_000_000,
        multimedia_classrooms=3,
    )  # 6.4 m² of 7.5: 85.3%
    save_conditions(
        school=county.school(P1),
        year=2020,
        values=values,
        version=1,
        acting_user=county.user("county_admin"),
    )
    assert part(balance.build(2020), P1, "primary")["passes"]


def test_a_nine_year_school_is_split_by_enrolment_weighted_1_to_1_1(county: County) -> None:
    report = balance.build(2020)
    primary, junior = part(report, N1, "primary"), part(report, N1, "junior")
    share = 50 / (50 + 40 * 1.1)
    assert primary["share"] == pytest.approx(share) and junior["share"] == pytest.approx(1 - share)
    assert primary["floor_area"] == pytest.approx(600 * share / 50)
    assert junior["floor_area"] == pytest.approx(600 * (1 - share) / 40)
    # junior requires 本科: n1_a, n1_b 本科 and n1_c 研究生 count for both parts
    assert junior["qualified_teachers"] == pytest.approx(3 * (1 - share) / 40 * 100)


def test_a_backbone_title_counts_only_while_valid(county: County) -> None:
    # n1_a's city-level title is of 2016: no longer valid in 2020 for three years, still for five
    assert part(balance.build(2020), N1, "primary")["backbone_teachers"] == 0
    rules = load_balance()
    longer = rules.model_copy(
        update={"teachers": rules.teachers.model_copy(update={"backbone_valid_years": 5})}
    )
    share = 50 / (50 + 40 * 1.1)
    assert part(balance.build(2020, longer), N1, "primary")["backbone_teachers"] == pytest.approx(
        share / 50 * 100
    )


def test_small_teaching_points_and_special_schools_are_shown_but_not_assessed(
    county: County,
) -> None:
    report = balance.build(2020)
    assert part(report, T1, "primary")["not_assessed_reason"] == "small_teaching_point"
    assert part(report, SP, "primary")["not_assessed_reason"] == "out_of_scope"
    assessed = set(report.assessed["code"].to_list())
    assert T1 not in assessed and SP not in assessed and {P1, N1, J1, P2} <= assessed


def test_a_school_without_conditions_for_the_year_is_not_assessed(county: County) -> None:
    report = balance.build(2019)  # no conditions for 2019 (and no term: nobody is enrolled)
    assert report.assessed.height == 0
    assert all(c.cv is None for c in report.cv)


def _weighted_cv(pairs: list[tuple[float, int]]) -> float:
    total = sum(n for _, n in pairs)
    mean = sum(v * n for v, n in pairs) / total
    return math.sqrt(sum(n * (v - mean) ** 2 for v, n in pairs) / total) / mean


def test_the_coefficient_of_variation_is_weighted_by_enrolment(county: County) -> None:
    report = balance.build(2020)
    rows = report.assessed.filter(report.assessed["stage"] == "primary")
    pairs = [(r["floor_area"], r["students"]) for r in rows.to_dicts()]
    cv = next(c for c in report.cv if c.stage == "primary" and c.key == "floor_area")
    assert cv.schools == 3  # P1, N1's primary part, P2
    assert cv.cv == pytest.approx(_weighted_cv(pairs))
    assert cv.limit == 0.50


def test_the_school_that_pulls_the_spread_up_most_is_named_with_the_cv_without_it(
    county: County,
) -> None:
    report = balance.build(2020)
    cv = next(c for c in report.cv if c.stage == "primary" and c.key == "equipment_value")
    rows = report.assessed.filter(report.assessed["stage"] == "primary").to_dicts()
    mean = sum(r["equipment_value"] * r["students"] for r in rows) / sum(
        r["students"] for r in rows
    )
    spread = {r["code"]: r["students"] * (r["equipment_value"] - mean) ** 2 for r in rows}
    top = max(spread, key=spread.get)
    assert cv.pullers[0].code == top
    rest = [(r["equipment_value"], r["students"]) for r in rows if r["code"] != top]
    assert cv.pullers[0].cv_without == pytest.approx(_weighted_cv(rest))
    assert cv.pullers[0].share == pytest.approx(spread[top] / sum(spread.values()))


def test_explain_gives_each_indicator_with_count_enrolment_threshold_and_verdict(
    county: County,
) -> None:
    report = balance.build(2020)
    [(row, lines)] = balance.explain(report, county.school(P1).pk)
    by_key = {line.indicator.key: line for line in lines}
    sports = by_key["sports_ground"]
    assert sports.numerator == pytest.approx(600) and sports.students == 100
    assert sports.threshold == 7.5 and sports.status == "short"
    assert by_key["equipment_value"].status == "met"
    assert row["met"] == 6


def test_a_malformed_rules_file_is_refused_naming_the_key(tmp_path: Path) -> None:
    good = (Path(balance.__file__).parent / "rules" / "balance.toml").read_text(encoding="utf-8")
    bad = tmp_path / "balance.toml"
    bad.write_text(good.replace("min_met = 6", "min_met = 9"), encoding="utf-8")
    with pytest.raises(RulesError, match="min_met 9 is more than the 7 indicators"):
        load_balance(bad)
    bad.write_text(
        good.replace('measure = "books"', "").replace(
            'measure = "sports_ground_m2"', 'measure = "lawns"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(RulesError, match=r"indicators\.4\.measure"):
        load_balance(bad)
