"""Early warning on a county built through the real imports: two terms of the student register (2019
spring, then 2020 autumn) and the autumn's absences.

- 张伟 (township A's central school) was in grade 2 last year too and misses 14 of the autumn's school
  days unexcused, in a row: chronic absence, a long run and a repeated grade, on top of a registered-poor
  household.
- 李娜 (township A's teaching point) has nothing but a few days of sick leave.
- 刘洋 moved from township A's central school to township B's school this year; his hukou is in A.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.http import Http404

from notoneless.registry.models import Term
from notoneless.retention import risk
from web.county import (
    CHILDREN,
    FAST_HASHERS,
    SCHOOL_A,
    SCHOOL_B,
    TOWNSHIP_A,
    County,
    build_county,
    import_csv,
    students_csv,
)

AS_OF = date(2020, 11, 30)
LAST_YEAR = "2019-spring"


def _last_year_roster() -> str:
    """Last year's register: everyone a grade lower except 张伟 (same grade: repeated), and 刘洋 at
    township A's central school."""
    lines = students_csv().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        if "张伟" not in line:
            line = line.replace("二年级", "一年级")
        if "刘洋" in line:
            line = line.replace(f",{SCHOOL_B},上盐湾镇中心小学,", f",{SCHOOL_A},鱼河镇中心小学,")
        out.append(line)
    return "\n".join(out) + "\n"


def _school_days(start: date, count: int) -> list[date]:
    days, d = [], start
    while len(days) < count:
        if d.weekday() < 5 and not (date(2020, 10, 1) <= d <= date(2020, 10, 8)):
            days.append(d)
        d += timedelta(days=1)
    return days


def _absences() -> str:
    rows = ["学籍号,姓名,学校标识码,日期,考勤状态"]
    zhang = CHILDREN["张伟"]
    for d in _school_days(date(2020, 11, 2), 14):
        rows.append(f"G{zhang[0]},张伟,{zhang[1]},{d.isoformat()},旷课")
    li = CHILDREN["李娜"]
    for d in _school_days(date(2020, 11, 9), 2):
        rows.append(f"G{li[0]},李娜,{li[1]},{d.isoformat()},病假")
    return "\n".join(rows) + "\n"


@pytest.fixture
def county(db: None, tmp_path: Path, settings: Any) -> County:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    county = build_county(tmp_path)
    clerk = county.users["superuser"]
    import_csv(tmp_path, "students", _last_year_roster(), clerk, term=LAST_YEAR)
    import_csv(tmp_path, "attendance", _absences(), clerk)
    return county


def by_name(found: risk.RiskList) -> dict[str, dict[str, Any]]:
    names = {risk_name(n): n for n in CHILDREN}
    return {names[row["name"]]: row for row in found.as_dicts()}


def risk_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 1)


def feature_rows() -> dict[str, dict[str, Any]]:
    term = Term.objects.get(code="2020-autumn")
    frame = risk.features(term, AS_OF)
    ids = {County.student(n).pk: n for n in CHILDREN}
    return {ids[r["student_id"]]: r for r in frame.iter_rows(named=True)}


# --- the features -------------------------------------------------------------------------------------


def test_the_features_read_attendance_history_age_and_distance_from_the_registers(county: County):
    rows = feature_rows()

    assert set(rows) == set(CHILDREN)
    zhang, li, liu, wang = rows["张伟"], rows["李娜"], rows["刘洋"], rows["王芳"]
    assert zhang["attendance_rate"] < 0.9 and zhang["longest_run"] == 14
    assert zhang["repeated_grade"] and not li["repeated_grade"]
    assert (
        li["attendance_rate"] < 1 and li["unexcused_days"] == 0
    )  # sick leave is absence, not 旷课
    assert liu["changed_school"] and not zhang["changed_school"]
    assert liu["far_from_home"] and not li["far_from_home"]  # 刘洋's hukou is in township A
    assert zhang["poverty_status"] == "registered"
    # born 2012-03-05, on time for grade 3 in 2020; born 2012-11-20 (after the cut-off), grade 2
    assert zhang["years_over_age"] == 1 and wang["years_over_age"] == 0


# --- scoring ------------------------------------------------------------------------------------------


def test_chronic_absence_and_a_repeated_grade_rank_a_child_above_one_without(county: County):
    found = risk.ranked(county.user("county_admin"), as_of=AS_OF)
    rows = by_name(found)

    zhang = rows["张伟"]
    assert {"chronic_absence", "long_unexcused_run", "repeated_grade"} <= {
        r["key"] for r in zhang["reasons"]
    }
    assert zhang["rank_in_township"] == 1 and zhang["follow_up"]
    assert "李娜" not in rows or rows["李娜"]["score"] < zhang["score"]
    order = [row["student_id"] for row in found.as_dicts()]
    assert order[0] == County.student("张伟").pk


def test_every_score_is_the_sum_of_its_reasons(county: County):
    rules = risk.default_risk_rules()
    found = risk.ranked(county.user("county_admin"), as_of=AS_OF)
    for row in found.as_dicts():
        assert row["reasons"], "a listed score has reasons"
        assert row["score"] == sum(r["weight"] for r in row["reasons"])

    generator = random.Random(5)
    n = 500
    frame = pl.DataFrame(
        {
            "student_id": range(n),
            "school_id": [generator.randrange(4) for _ in range(n)],
            "township_id": [generator.randrange(2) for _ in range(n)],
            **{
                name: [_random(kind, generator) for _ in range(n)]
                for name, kind in risk.FEATURES.items()
            },
        },
        schema_overrides={
            name: {"number": pl.Float64, "flag": pl.Boolean, "text": pl.String}[kind]
            for name, kind in risk.FEATURES.items()
        },
    )
    scored = risk.score(frame, rules)
    weights = rules.weights
    for row in scored.iter_rows(named=True):
        assert row["score"] == sum(weights[k] for k in row["reasons"])
    assert scored["score"].max() > scored["score"].min()


def _random(kind: str, generator: random.Random) -> Any:
    if generator.random() < 0.1:
        return None
    if kind == "number":
        return generator.uniform(0, 1) if generator.random() < 0.5 else generator.randrange(-1, 5)
    if kind == "flag":
        return generator.random() < 0.3
    return generator.choice(["none", "registered", "exited"])


def test_ranks_run_within_each_township_and_the_capacity_marks_the_first_k():
    rules = risk.default_risk_rules()
    frame = pl.DataFrame(
        {
            "student_id": range(60),
            "school_id": [i % 3 for i in range(60)],
            "township_id": [i % 2 for i in range(60)],
            "attendance_rate": [1 - i / 100 for i in range(60)],
        }
    ).with_columns(
        [
            pl.lit(None, dtype).alias(n)
            for n, dtype in risk.FEATURE_SCHEMA.items()
            if n not in ("student_id", "school_id", "township_id", "attendance_rate")
        ]
    )
    ranked = risk.rank(risk.score(frame, rules), rules)
    k = rules.ranking.follow_up_per_township
    for township in (0, 1):
        mine = ranked.filter(pl.col("township_id") == township)
        assert mine["rank_in_township"].to_list() == list(range(1, 31))
        assert mine["follow_up"].sum() == min(k, 30)
        rates = mine["attendance_rate"].to_list()
        assert rates == sorted(rates)  # equal scores: lowest attendance first


# --- the rules file -----------------------------------------------------------------------------------


def test_the_shipped_rules_load():
    rules = risk.load_risk_rules()
    assert rules.weights["chronic_absence"] > 0
    chronic = next(f for f in rules.factors if f.key == "chronic_absence")
    assert chronic.below == 0.90 and chronic.feature == "attendance_rate"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            ('key = "over_age"\nlabel = "超龄2岁及以上"', "weight = 2", "weight = -2"),
            "factors[over_age].weight",
        ),
        (
            ('key = "dibao"', 'feature = "dibao"', 'feature = "dibao_status"'),
            "factors[dibao].feature",
        ),
        (('key = "chronic_absence"', "below = 0.90", 'any_of = ["x"]'), "factors[chronic_absence]"),
        (
            ("[ranking]", "follow_up_per_township = 20", "follow_up_per_township = 0"),
            "ranking.follow_up_per_township",
        ),
        (("[ranking]", "min_score = 1", "min_score = 1\nmax_score = 3"), "ranking.max_score"),
    ],
)
def test_a_malformed_rules_file_is_refused_naming_the_key(
    tmp_path: Path, change: tuple[str, str, str], named: str
):
    text = risk.RISK_FILE.read_text(encoding="utf-8")
    anchor, old, new = change
    at = text.index(anchor)
    cut = text.index(old, at)
    broken = text[:cut] + new + text[cut + len(old) :]
    path = tmp_path / "risk.toml"
    path.write_text(broken, encoding="utf-8")

    with pytest.raises(risk.RiskRulesError) as refused:
        risk.load_risk_rules(path)
    assert str(refused.value).startswith("risk.toml: ")
    assert named in str(refused.value)


def test_a_factor_key_given_twice_is_refused(tmp_path: Path):
    text = risk.RISK_FILE.read_text(encoding="utf-8").replace('key = "tekun"', 'key = "dibao"')
    path = tmp_path / "risk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(risk.RiskRulesError, match=r"factors: .*each key may appear once: dibao"):
        risk.load_risk_rules(path)


# --- scope --------------------------------------------------------------------------------------------


def test_a_school_officer_sees_only_their_school_ranked_within_the_township(county: County):
    found = risk.ranked(county.user("officer_b"), as_of=AS_OF)
    assert found.total > 0
    assert set(found.rows["school_code"]) == {SCHOOL_B}
    everyone = risk.ranked(county.user("county_admin"), as_of=AS_OF)
    ranks = dict(zip(everyone.rows["student_id"], everyone.rows["rank_in_township"], strict=True))
    for row in found.as_dicts():
        assert row["rank_in_township"] == ranks[row["student_id"]]


def test_a_teacher_of_another_school_gets_nothing(county: County):
    teacher = county.user("teacher_a")
    with pytest.raises(Http404):
        risk.ranked(teacher, as_of=AS_OF, school=SCHOOL_B)
    mine = risk.ranked(teacher, as_of=AS_OF)
    assert "刘洋" not in by_name(mine) and "王芳" not in by_name(mine)
    assert risk.ranked(county.user("aid_officer"), as_of=AS_OF).total == 0


def test_a_township_filter_keeps_its_schools(county: County):
    found = risk.ranked(county.user("township_a"), as_of=AS_OF, township=TOWNSHIP_A)
    assert set(by_name(found)) <= {"张伟", "李娜"}
    with pytest.raises(Http404):
        risk.ranked(county.user("township_a"), as_of=AS_OF, school=SCHOOL_B)


# --- command and page ---------------------------------------------------------------------------------


def test_the_command_prints_the_ranked_list_as_json(county: County, capsys: pytest.CaptureFixture):
    call_command("retention", "risk", "--as-of", "2020-11-30", "--json")
    out = json.loads(capsys.readouterr().out)

    assert out["term"] == "2020-autumn" and out["rules"] == risk.default_risk_rules().version
    first = out["students"][0]
    assert first["name"] == "张*" and first["student_id"] == County.student("张伟").pk
    assert first["score"] == sum(r["weight"] for r in first["reasons"])
    assert "长期缺勤（出勤率低于90%）" in [r["label"] for r in first["reasons"]]
    scores = [s["score"] for s in out["students"]]
    assert all(s >= out["students"][-1]["score"] for s in scores)


def test_the_command_keeps_the_top_n_per_township(county: County, capsys: pytest.CaptureFixture):
    call_command("retention", "risk", "--as-of", "2020-11-30", "--top", "1", "--json")
    students = json.loads(capsys.readouterr().out)["students"]
    townships = [s["township_code"] for s in students]
    assert len(townships) == len(set(townships)) >= 1


def test_the_page_lists_scores_with_their_reasons_for_a_county_admin(county: County):
    response = county.client("county_admin").get("/retention/risk/", {"as_of": "2020-11-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "张*" in html and 'data-reason="chronic_absence"' in html
    assert "长期缺勤（出勤率低于90%） +3" in html


def test_the_page_is_refused_to_an_aid_officer_and_out_of_scope_schools_are_not_found(
    county: County,
):
    assert county.client("aid_officer").get("/retention/risk/").status_code == 403
    officer = county.client("officer_b")
    assert officer.get("/retention/risk/", {"school": SCHOOL_A}).status_code == 404
    response = officer.get("/retention/risk/", {"as_of": "2020-11-30"})
    assert response.status_code == 200 and "张*" not in response.content.decode()
