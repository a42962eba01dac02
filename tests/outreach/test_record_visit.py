"""``actions.record_visit``: a home visit with its survey answers, within the recorder's scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from notoneless.audit.models import AuditEntry
from notoneless.outreach import actions
from notoneless.outreach.errors import OutreachRefused
from notoneless.outreach.models import SurveyAnswer, Visit
from outreach.outreach_county import household, visit
from web.county import County

pytestmark = pytest.mark.django_db


def test_a_township_officer_records_a_visit_with_answers_for_the_term_of_its_day(county: County):
    recorded = visit(
        county, "H001", answers={"compulsory_living": "no", "hotline": "yes", "senior": ""}
    )

    assert recorded.term.code == "2020-autumn"
    assert recorded.village.name == "鱼河村"
    assert dict(recorded.answers.values_list("question", "answer")) == {
        "compulsory_living": "no",
        "hotline": "yes",
    }
    entry = AuditEntry.objects.get(action="outreach.visit")
    assert entry.username == "township_a"
    assert entry.detail["answers"] == {"compulsory_living": "no", "hotline": "yes"}


def test_a_teacher_records_a_visit_to_the_household_of_a_student_of_the_school(county: County):
    recorded = visit(county, "H001", "teacher_a")
    assert recorded.household.number == "H001"


def test_a_teacher_cannot_record_for_a_household_whose_children_study_elsewhere(county: County):
    # 赵磊 of H002 studies at township B's school
    with pytest.raises(OutreachRefused, match="H002"):
        visit(county, "H002", "teacher_a")
    assert not Visit.objects.exists()


def test_a_township_officer_of_township_a_cannot_record_for_a_household_of_township_b(
    outreach_county: County,
):
    with pytest.raises(OutreachRefused, match="H004"):
        visit(outreach_county, "H004", "township_a", answers={"compulsory_living": "yes"})
    assert not Visit.objects.exists()
    assert not SurveyAnswer.objects.exists()
    assert not AuditEntry.objects.filter(action="outreach.visit").exists()


@pytest.mark.parametrize("persona", ["county_admin", "aid_officer", "auditor", "officer_a"])
def test_roles_that_only_read_cannot_record_a_visit(county: County, persona: str):
    with pytest.raises(OutreachRefused, match="does not record home visits"):
        visit(county, "H001", persona)
    assert not Visit.objects.exists()


def test_a_household_that_is_not_registered_poor_is_refused(outreach_county: County):
    with pytest.raises(OutreachRefused, match="not a registered-poor household"):
        visit(outreach_county, "H003", "township_b")
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"visitors": "  "}, "Visitors: this is required"),
        (
            {"visited_on": timezone.localdate() + timedelta(days=1)},
            "Date: the date is in the future",
        ),
        ({"visited_on": date(2019, 5, 1)}, "Date: no term has started"),
        ({"answers": {"no_such_question": "yes"}}, "unknown question 'no_such_question'"),
        ({"answers": {"hotline": "maybe"}}, "hotline must be yes or no"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    county: County, changes: dict, message: str
):
    args = {
        "household": household("H001"),
        "visited_on": date(2020, 10, 12),
        "visitors": "王干事",
        "answers": {"hotline": "yes"},
        "acting_user": county.user("township_a"),
        **changes,
    }
    with pytest.raises(OutreachRefused, match=message):
        actions.record_visit(**args)
    assert not Visit.objects.exists()
    assert not SurveyAnswer.objects.exists()


def test_a_visit_in_the_winter_holiday_counts_for_the_term_before_it(county: County):
    assert visit(county, "H001", day=date(2021, 2, 5)).term.code == "2020-autumn"
