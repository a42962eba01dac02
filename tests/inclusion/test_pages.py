"""The inclusion pages: who sees them, scope (another school's child is not found), the committee's
decision form, the phone form of a session, attachments served only in scope, the compliance page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from inclusion.build import JPEG, PDF, home_plan, load_registers, propose, session, upload
from notoneless.inclusion.models import Assessment, Placement, Session
from web.county import TERM, County


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_admin", 200),
        ("officer_a", 200),
        ("teacher_a", 200),
        ("township_a", 200),
        ("auditor", 200),
        ("aid_officer", 403),
    ],
)
def test_the_index_is_for_every_role_but_the_aid_officer(county: County, persona: str, status: int):
    assert county.client(persona).get(reverse("inclusion_index")).status_code == status


def test_another_school_s_child_is_not_found(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    held = session(county, plan, code, date(2020, 11, 3))
    pages = [
        reverse("inclusion_placement", args=[plan.placement_id]),
        reverse("inclusion_plan", args=[plan.pk]),
        reverse("inclusion_session", args=[plan.pk]),
        reverse("inclusion_plan_version", args=[plan.placement_id]),
    ]
    for url in pages:
        assert county.client("officer_b").get(url).status_code == 404, url
        assert county.client("officer_a").get(url).status_code == 200, url
    assert county.client("township_a").get(pages[1]).status_code == 200
    assert held.pk


def test_the_committee_decision_form_refuses_without_consent_and_keeps_it_with(
    county: County, tmp_path: Path
):
    load_registers(county, tmp_path)
    placement = propose(county)
    url = reverse("inclusion_decide", args=[placement.pk])
    form = {
        "setting": "home",
        "committee_members": "王主任\n李医生\n赵老师",
        "reason": "行动不便",
        "guardian_name": "张建国",
        "consent_on": "2020-11-01",
        "decided_on": "2020-11-01",
    }
    assert (
        county.client("officer_a").post(url, {**form, "guardian_consent": "on"}).status_code == 403
    )
    answer = county.client("county_admin").post(url, form, follow=True)
    assert "guardian_consent" in answer.content.decode()
    assert Placement.objects.get(pk=placement.pk).status == "proposed"
    county.client("county_admin").post(url, {**form, "guardian_consent": "on"})
    decided = Placement.objects.get(pk=placement.pk)
    assert (decided.status, decided.committee_members) == (
        "decided",
        ["王主任", "李医生", "赵老师"],
    )
    page = county.client("auditor").get(reverse("inclusion_placement", args=[placement.pk]))
    assert "王主任、李医生、赵老师" in page.content.decode()


def test_a_school_officer_enters_an_assessment_by_student_number(county: County, tmp_path: Path):
    load_registers(county, tmp_path)
    answer = county.client("officer_b").post(
        reverse("inclusion_assess"),
        {
            "student": county.id_number("赵磊"),
            "disability_type": "intellectual",
            "severity": "moderate",
            "assessor": "县特教中心 刘医生",
            "assessed_on": "2020-10-20",
        },
    )
    assert answer.status_code == 302
    assert Assessment.objects.get().person == county.person("赵磊")


def test_a_teacher_records_a_session_on_the_phone_form(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    teacher = county.client("teacher_a")
    url = reverse("inclusion_session", args=[plan.pk])
    form = {
        "plan": plan.pk,
        "student": plan.person_id,
        "held_on": "2020-11-03",
        "class_hours": "3",
        "lesson_plan": "认识颜色",
        "record_entry": "",
        "confirmation_code": code,
    }
    refused = teacher.post(url, form, follow=True)
    assert "record_entry" in refused.content.decode()
    assert not Session.objects.exists()
    answer = teacher.post(url, {**form, "record_entry": "完成练习"})
    assert answer.status_code == 302
    held = Session.objects.get()
    assert (held.teacher.name, held.class_hours, held.record_entry) == ("陈静", 3, "完成练习")


def test_attachments_are_served_only_in_scope(county: County, tmp_path: Path):
    plan, _code = home_plan(county, tmp_path)
    answer = county.client("teacher_a").post(
        reverse("inclusion_session", args=[plan.pk]),
        {
            "plan": plan.pk,
            "student": plan.person_id,
            "held_on": "2020-11-03",
            "class_hours": "2",
            "lesson_plan_file": upload("教案.pdf", PDF, "application/pdf"),
            "record_entry": "完成练习",
            "signature_photo": upload("签字.jpg", JPEG),
        },
    )
    assert answer.status_code == 302
    held = Session.objects.get()
    url = reverse("inclusion_session_file", args=[held.pk, "signature"])
    shown = county.client("officer_a").get(url)
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == JPEG
    assert shown["Content-Type"] == "image/jpeg"
    assert county.client("officer_b").get(url).status_code == 404
    assert county.client("aid_officer").get(url).status_code == 403
    lesson = county.client("teacher_a").get(
        reverse("inclusion_session_file", args=[held.pk, "lesson"])
    )
    assert b"".join(lesson.streaming_content) == PDF


def test_a_bad_upload_on_the_phone_form_is_refused(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    answer = county.client("teacher_a").post(
        reverse("inclusion_session", args=[plan.pk]),
        {
            "plan": plan.pk,
            "student": plan.person_id,
            "held_on": "2020-11-03",
            "class_hours": "2",
            "lesson_plan_file": upload("教案.exe", b"MZ\x90\x00" + b"\x00" * 40, "application/pdf"),
            "record_entry": "完成练习",
            "confirmation_code": code,
        },
        follow=True,
    )
    assert "lesson_plan_file" in answer.content.decode()
    assert not Session.objects.exists()


def test_the_compliance_page_shows_the_report(county: County, tmp_path: Path):
    plan, code = home_plan(county, tmp_path)
    session(county, plan, code, date(2020, 11, 3))
    page = county.client("officer_a").get(
        reverse("inclusion_compliance"), {"term": TERM, "as_of": "2020-11-08"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-figure="visits">1 / 2<' in text and 'data-figure="hours">3.0 / 6.0<' in text
    empty = county.client("officer_b").get(reverse("inclusion_compliance"), {"term": TERM})
    assert f'data-plan="{plan.pk}"' not in empty.content.decode()


def test_the_index_lists_the_children_to_propose_and_proposes_from_the_page(
    county: County, tmp_path: Path
):
    load_registers(county, tmp_path)
    officer = county.client("officer_a")
    text = officer.get(reverse("inclusion_index")).content.decode()
    person = county.person("张伟")
    assert f'data-person="{person.pk}"' in text
    assert f'data-person="{county.person("王芳").pk}"' not in text  # school B's child
    answer = officer.post(reverse("inclusion_propose", args=[person.pk]))
    placement = Placement.objects.get(person=person)
    assert answer["Location"] == reverse("inclusion_placement", args=[placement.pk])
    assert (
        county.client("officer_b").post(reverse("inclusion_propose", args=[person.pk])).status_code
        == 404
    )
    shown = county.client("county_admin").get(answer["Location"]).content.decode()
    assert (
        'data-proposed="home"' in shown
        and 'action="' + reverse("inclusion_decide", args=[placement.pk]) in shown
    )
