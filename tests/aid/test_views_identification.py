"""The 资助认定 pages: a school enters, reviews, grades and posts; the county confirms and grades the
hardship groups automatically; the posting shows name, class and grade only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from aid.county import CHILDREN, S1, AidCounty
from notoneless.accounts.models import Role, User
from notoneless.aid import identification as ident_actions
from notoneless.aid.models import Identification
from notoneless.registry.choices import HardshipGrade

pytestmark = pytest.mark.django_db

YEAR, SEASON = 2020, "autumn"
REASON = "父亲重病住院，家庭收入骤减"
Step = Identification.Step


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def html(response) -> str:
    return response.content.decode()


def url(name: str, *args: object) -> str:
    return reverse(name, args=[YEAR, SEASON, *args])


def one_url(name: str, ident: Identification) -> str:
    return reverse(name, args=[ident.pk])


def the_identification() -> Identification:
    return Identification.objects.get(student__person__name="壬高中")


def apply_through_the_page(county: AidCounty, persona: str = "officer_4") -> Identification:
    student = county.student("壬高中")
    client = county.client(persona)
    found = client.get(url("aid_identification"), {"q": "壬高中"})
    assert f'name="student" value="{student.pk}"' in html(found)

    response = client.post(
        url("aid_identification_apply"), {"student": student.pk, "reason": REASON}
    )

    assert response.status_code == 302
    return the_identification()


def posted_through_the_pages(county: AidCounty) -> Identification:
    """officer_4 applies for 壬高中, the class approves, the panel grades 特别困难, the school posts."""
    ident = apply_through_the_page(county)
    client = county.client("officer_4")
    review = {"decision": "approve", "note": "班级评议通过"}
    assert client.post(one_url("aid_identification_review", ident), review).status_code == 302
    graded = client.post(one_url("aid_identification_grade", ident), {"grade": "special"})
    assert graded.status_code == 302
    posted = client.post(url("aid_identification_post"), {"school": county.school(S1).pk})
    assert posted.status_code == 302
    return the_identification()


# --- the school's steps and the county's confirmation ----------------------------------------------


def test_a_school_takes_an_application_to_posting_and_the_county_confirms_it(aid_county):
    ident = posted_through_the_pages(aid_county)
    assert (ident.step, ident.grade) == (Step.POSTED, HardshipGrade.SPECIAL)
    client = aid_county.client("compiler")
    assert "榆阳区第一高级中学" in html(client.get(url("aid_identification")))

    response = client.post(url("aid_identification_confirm", aid_county.school(S1).pk))

    ident.refresh_from_db()
    assert response.status_code == 302
    assert (ident.step, ident.grade) == (Step.CONFIRMED, HardshipGrade.SPECIAL)
    assert list(ident.steps.values_list("acting_user__username", flat=True)) == [
        "officer_4",
        "officer_4",
        "officer_4",
        "officer_4",
        "compiler",
    ]


def test_the_list_shows_step_and_grade_but_never_the_reason(aid_county):
    posted_through_the_pages(aid_county)

    for persona in ("officer_4", "compiler", "auditor"):
        page = html(aid_county.client(persona).get(url("aid_identification")))
        assert "壬高中" in page
        assert str(Step.POSTED.label) in page or zh(str(Step.POSTED.label)) in page
        assert REASON not in page


def test_the_posting_shows_name_class_and_grade_only(aid_county):
    ident = posted_through_the_pages(aid_county)
    child = CHILDREN["壬高中"]

    response = aid_county.client("officer_4").get(url("aid_identification_posting"))

    page = html(response)
    row = page.split("壬高中", 1)[1].split("</tr>", 1)[0]
    assert response.status_code == 200
    assert "1班" in row
    assert zh("Especially difficult") in row
    assert REASON not in page
    assert "班级评议通过" not in page  # notes are private too
    assert child.id_number not in page and child.id_number[-6:] not in page
    assert ident.student.student_number_masked not in page


def test_the_county_chooses_the_school_whose_posting_to_read(aid_county):
    posted_through_the_pages(aid_county)
    client = aid_county.client("compiler")
    school = aid_county.school(S1)

    listing = html(client.get(url("aid_identification_posting")))
    page = html(client.get(url("aid_identification_posting"), {"school": school.pk}))

    assert f"?school={school.pk}" in listing
    assert "壬高中" in page and REASON not in page


def test_the_history_shows_the_reason_to_the_school_and_the_county_but_not_the_auditor(
    aid_county,
):
    ident = posted_through_the_pages(aid_county)
    history = one_url("aid_identification_history", ident)

    for persona in ("officer_4", "compiler"):
        page = html(aid_county.client(persona).get(history))
        assert REASON in page and "班级评议通过" in page
    page = html(aid_county.client("auditor").get(history))
    assert "壬高中" in page
    assert REASON not in page and "班级评议通过" not in page


def test_grading_not_identified_rejects_the_application(aid_county):
    ident = apply_through_the_page(aid_county)
    client = aid_county.client("officer_4")
    client.post(one_url("aid_identification_review", ident), {"decision": "approve"})

    client.post(one_url("aid_identification_grade", ident), {"grade": "none"})

    assert the_identification().step == Step.REJECTED


def test_the_class_may_return_an_application(aid_county):
    ident = apply_through_the_page(aid_county)

    response = aid_county.client("officer_4").post(
        one_url("aid_identification_review", ident), {"decision": "return", "note": "材料不全"}
    )

    assert response.status_code == 302
    assert the_identification().step == Step.REJECTED


def test_a_step_out_of_order_is_refused_with_the_reason(aid_county):
    ident = apply_through_the_page(aid_county)

    response = aid_county.client("officer_4").post(
        one_url("aid_identification_grade", ident), {"grade": "special"}
    )

    assert response.status_code == 400
    assert "壬高中" in html(response) and 'role="alert"' in html(response)
    assert the_identification().step == Step.APPLIED


def test_the_county_declines_a_posted_identification_with_a_note(aid_county):
    ident = posted_through_the_pages(aid_county)

    response = aid_county.client("compiler").post(
        one_url("aid_identification_reject", ident), {"note": "不符合条件"}
    )

    assert response.status_code == 302
    assert the_identification().step == Step.REJECTED


def test_the_county_grades_the_hardship_groups_automatically(aid_county):
    response = aid_county.client("compiler").post(url("aid_identification_automatic"), follow=True)

    automatic = Identification.objects.filter(source=Identification.Source.AUTOMATIC)
    assert response.status_code == 200
    assert automatic.exists()
    assert all(i.step == Step.CONFIRMED and i.grade for i in automatic)


# --- who -------------------------------------------------------------------------------------------


def test_a_teacher_enters_the_application_and_the_class_review_but_may_not_grade(aid_county):
    User.objects.create_user("teacher_4", role=Role.TEACHER, school=aid_county.school(S1))
    aid_county.users["teacher_4"] = User.objects.get(username="teacher_4")
    ident = apply_through_the_page(aid_county, "teacher_4")
    client = aid_county.client("teacher_4")
    client.post(one_url("aid_identification_review", ident), {"decision": "approve"})

    response = client.post(one_url("aid_identification_grade", ident), {"grade": "special"})

    assert response.status_code == 403
    assert the_identification().step == Step.CLASS_REVIEWED


def test_the_auditor_reads_the_identifications_but_every_post_is_refused(aid_county):
    ident = apply_through_the_page(aid_county)
    auditor = aid_county.client("auditor")
    student = aid_county.student("辛高中")

    assert auditor.get(url("aid_identification")).status_code == 200
    assert auditor.get(one_url("aid_identification_history", ident)).status_code == 200
    responses = [
        auditor.post(url("aid_identification_apply"), {"student": student.pk, "reason": "x"}),
        auditor.post(one_url("aid_identification_review", ident), {"decision": "approve"}),
        auditor.post(one_url("aid_identification_grade", ident), {"grade": "special"}),
        auditor.post(one_url("aid_identification_reject", ident), {"note": "x"}),
        auditor.post(url("aid_identification_post"), {"school": aid_county.school(S1).pk}),
        auditor.post(url("aid_identification_confirm", aid_county.school(S1).pk)),
        auditor.post(url("aid_identification_automatic")),
    ]

    assert [r.status_code for r in responses] == [403] * len(responses)
    assert list(Identification.objects.values_list("step", flat=True)) == [Step.APPLIED]


def test_a_school_officer_may_not_confirm(aid_county):
    posted_through_the_pages(aid_county)

    response = aid_county.client("officer_4").post(
        url("aid_identification_confirm", aid_county.school(S1).pk)
    )

    assert response.status_code == 403
    assert the_identification().step == Step.POSTED


def test_another_schools_officer_gets_not_found(aid_county):
    ident = apply_through_the_page(aid_county)
    other = aid_county.client("officer_1")
    student = aid_county.student("辛高中")

    assert other.get(one_url("aid_identification_history", ident)).status_code == 404
    review = other.post(one_url("aid_identification_review", ident), {"decision": "approve"})
    assert review.status_code == 404
    applying = other.post(url("aid_identification_apply"), {"student": student.pk, "reason": "x"})
    assert applying.status_code == 404
    assert "壬高中" not in html(other.get(url("aid_identification")))
    assert (
        other.get(url("aid_identification_posting"), {"school": ident.school_id}).status_code == 404
    )
    assert the_identification().step == Step.APPLIED


def test_a_term_without_a_roster_is_not_found(aid_county):
    client = aid_county.client("officer_4")

    assert client.get(reverse("aid_identification", args=[2031, "autumn"])).status_code == 404


def test_a_role_that_does_not_work_with_aid_is_refused(aid_county):
    from notoneless.registry.models import Division

    township = Division.objects.get(level=Division.Level.TOWNSHIP)
    User.objects.create_user("town", role=Role.TOWNSHIP_OFFICER, township=township)
    client = Client()
    client.force_login(User.objects.get(username="town"))

    assert client.get(url("aid_identification")).status_code == 403


def test_identifications_made_by_the_actions_show_on_the_page(aid_county):
    ident_actions.apply(
        student=aid_county.student("辛高中"),
        school_year=YEAR,
        season=SEASON,
        reason=REASON,
        acting_user=aid_county.user("officer_4"),
    )

    page = html(aid_county.client("officer_4").get(url("aid_identification"), {"step": "applied"}))

    assert "辛高中" in page
    assert one_url("aid_identification_review", Identification.objects.get()) in page


def test_a_teacher_finds_identification_in_the_navigation(aid_county):
    from notoneless.accounts.models import Role, User

    teacher = User.objects.create_user(
        "teacher_p1", role=Role.TEACHER, school=aid_county.school("6108021002")
    )
    client = aid_county.client("clerk")
    client.force_login(teacher)
    overview = client.get("/")
    assert b"/aid/identification/" in overview.content
    landing = client.get("/aid/identification/")
    assert landing.status_code == 302 and landing["Location"].endswith(
        "/aid/identification/2020/autumn/"
    )
    assert client.get(landing["Location"]).status_code == 200
