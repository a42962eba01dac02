"""Awareness rates (知晓率) per village and township, and the follow-up list: households that say they do
not know an entitlement their child has this term (the aid pack's programs, ``aid.compute``)."""

from __future__ import annotations

from datetime import date

import pytest

from notoneless.outreach import selectors
from notoneless.outreach.survey import default_survey, load_survey
from outreach.outreach_county import compute_aid, term, visit
from web.county import County

pytestmark = pytest.mark.django_db


def test_the_awareness_rate_counts_the_latest_answer_of_each_household_and_question(
    outreach_county: County,
):
    visit(outreach_county, "H001", answers={"compulsory_living": "no", "hotline": "no"})
    # explained on a second visit: the family knows now
    visit(outreach_county, "H001", day=date(2020, 11, 2), answers={"compulsory_living": "yes"})
    visit(outreach_county, "H002", answers={"compulsory_living": "yes", "hotline": "yes"})
    visit(
        outreach_county, "H004", "township_b", answers={"compulsory_living": "no", "hotline": "yes"}
    )

    report = selectors.awareness(outreach_county.user("county_admin"), term())

    villages = {r.village: (r.known, r.answers, r.households) for r in report.villages}
    assert villages == {"鱼河村": (1, 2, 1), "王沙沟村": (2, 2, 1), "盐湾村": (1, 2, 1)}
    townships = {r.township: (r.known, r.answers, r.households) for r in report.townships}
    assert townships == {"鱼河镇": (3, 4, 2), "上盐湾镇": (1, 2, 1)}
    assert (report.total.known, report.total.answers) == (4, 6)
    assert report.total.rate == pytest.approx(4 / 6)
    questions = {q.code: (q.known, q.answers) for q in report.questions}
    assert questions["compulsory_living"] == (2, 3)
    assert questions["hotline"] == (2, 3)


def test_a_household_that_does_not_know_the_living_subsidy_its_child_receives_is_followed_up(
    outreach_county: County,
):
    compute_aid()  # 张伟 (H001) and 赵磊 (H002) receive the non-boarding living subsidy
    visit(outreach_county, "H001", answers={"compulsory_living": "no", "senior": "no"})
    visit(outreach_county, "H002", answers={"compulsory_living": "yes"})

    rows = selectors.follow_up(outreach_county.user("county_admin"), term())

    assert [(r.household.number, r.child, r.question) for r in rows] == [
        ("H001", "张伟", "compulsory_living")
    ]
    assert rows[0].programs == ("义务教育家庭经济困难非寄宿生生活补助",)


def test_not_knowing_a_program_no_child_has_needs_no_follow_up(outreach_county: County):
    compute_aid()
    # H004's child is on the poverty register only: no entitlement this term
    visit(outreach_county, "H004", "township_b", answers={"compulsory_living": "no"})

    assert selectors.follow_up(outreach_county.user("county_admin"), term()) == []


def test_the_follow_up_list_is_scoped(outreach_county: County):
    compute_aid()
    visit(outreach_county, "H001", answers={"compulsory_living": "no"})

    assert selectors.follow_up(outreach_county.user("township_b"), term()) == []
    assert selectors.follow_up(outreach_county.user("officer_b"), term()) == []
    assert len(selectors.follow_up(outreach_county.user("teacher_a"), term())) == 1


def test_every_program_the_survey_names_is_a_program_of_the_aid_pack():
    from notoneless.aid.policy import load_pack, pack_path

    pack = load_pack(pack_path("shaanxi-2020"))
    assert default_survey().programs <= set(pack.by_code)


def test_a_malformed_survey_file_is_refused_naming_the_key(tmp_path):
    from notoneless.outreach.survey import SurveyError

    bad = tmp_path / "survey.toml"
    bad.write_text(
        'version = "x"\n[[questions]]\ncode = "a"\ntext = "问"\nenglish = "Q"\n'
        '[[questions]]\ncode = "a"\ntext = "问"\nenglish = "Q"\ncolour = "red"\n',
        encoding="utf-8",
    )
    with pytest.raises(SurveyError, match=r"survey.toml: questions.1.colour"):
        load_survey(bad)


def test_the_outreach_rules_file_is_valid_and_a_bad_status_is_refused(tmp_path):
    from notoneless.outreach.rules import RulesError, default_rules, load_rules

    assert default_rules().visit_statuses == ("registered",)
    bad = tmp_path / "outreach.toml"
    bad.write_text('version = "x"\nvisit_statuses = ["poor"]\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"outreach.toml: visit_statuses.0"):
        load_rules(bad)
