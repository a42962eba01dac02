"""资助认定: apply → class review → grade → post → confirm, automatic grades, spring adjustments, and the
public notice, on the aid test county (school officers officer_1..officer_5 of K1, P1, J1, S1, V1)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from aid.county import CHILDREN, TERM, students_csv
from notoneless.accounts.models import Role, User
from notoneless.aid import identification as ident_actions
from notoneless.aid.compute import compute_term
from notoneless.aid.errors import AidRefused
from notoneless.aid.models import AidTerm, Entitlement, Identification, IdentificationStep
from notoneless.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

YEAR = 2020
SPRING = "2020-spring"
REASON = "父亲重病住院，家庭收入骤减"
Step = Identification.Step


def officer(aid_county, name: str) -> User:
    """The school officer of the child's school."""
    return aid_county.user(f"officer_{CHILDREN[name].school[-1]}")


def applied(aid_county, name: str, season: str = "autumn") -> Identification:
    return ident_actions.apply(
        student=aid_county.student(name),
        school_year=YEAR,
        season=season,
        reason=REASON,
        acting_user=officer(aid_county, name),
    )


def identify(aid_county, name: str, grade: str, season: str = "autumn") -> Identification:
    """The whole way, each step by its own role."""
    school = officer(aid_county, name)
    ident = applied(aid_county, name, season)
    ident_actions.class_review(
        identification=ident, approve=True, note="班级评议通过", acting_user=school
    )
    ident_actions.grade(identification=ident, grade=grade, acting_user=school)
    ident_actions.post(identifications=[ident], acting_user=school)
    ident_actions.confirm(identifications=[ident], acting_user=aid_county.user("approver"))
    ident.refresh_from_db()
    return ident


def grant(name: str, term: str = TERM, program: str = "senior_grant") -> int | None:
    found = Entitlement.objects.filter(
        student__person__name=name, term__code=term, program=program
    ).first()
    return found.amount_fen if found else None


def audit_actions(ident: Identification) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="Identification", object_id=str(ident.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- the workflow ---------------------------------------------------------------------------------------


def test_a_confirmed_grade_is_the_grade_compute_pays_and_explain_shows(aid_county):
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    assert grant("壬高中") == 75_000  # the roster's 一般困难

    ident = identify(aid_county, "壬高中", "special")
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))

    assert (ident.step, ident.grade, ident.source) == (Step.CONFIRMED, "special", "application")
    assert grant("壬高中") == 125_000
    out = StringIO()
    call_command("aid", "explain", "壬高中", "--term", TERM, stdout=out)
    assert "特别困难" in out.getvalue()
    assert "1,250.00 元" in out.getvalue()


def test_every_transition_writes_a_step_and_an_audit_row(aid_county):
    ident = identify(aid_county, "壬高中", "difficult")

    steps = list(ident.steps.order_by("pk").values_list("step", "grade", "acting_user__username"))
    assert steps == [
        ("applied", "", "officer_4"),
        ("class_reviewed", "", "officer_4"),
        ("graded", "difficult", "officer_4"),
        ("posted", "difficult", "officer_4"),
        ("confirmed", "difficult", "approver"),
    ]
    assert ident.steps.get(step="class_reviewed").note == "班级评议通过"
    assert audit_actions(ident) == [
        "aid.identification.apply",
        "aid.identification.class_reviewed",
        "aid.identification.graded",
        "aid.identification.posted",
        "aid.identification.confirmed",
    ]


def test_the_audit_never_keeps_the_reason(aid_county):
    ident = identify(aid_county, "壬高中", "difficult")

    details = AuditEntry.objects.filter(object_id=str(ident.pk)).values_list("detail", flat=True)
    assert all(REASON not in str(d) for d in details)


def test_a_step_cannot_be_skipped_and_a_refusal_changes_nothing(aid_county):
    school = officer(aid_county, "壬高中")
    ident = applied(aid_county, "壬高中")

    with pytest.raises(AidRefused):
        ident_actions.grade(identification=ident, grade="special", acting_user=school)
    with pytest.raises(AidRefused):
        ident_actions.post(identifications=[ident], acting_user=school)
    with pytest.raises(AidRefused):
        ident_actions.confirm(identifications=[ident], acting_user=aid_county.user("approver"))

    ident.refresh_from_db()
    assert (ident.step, ident.grade) == (Step.APPLIED, "")
    assert ident.steps.count() == 1
    assert audit_actions(ident) == ["aid.identification.apply"]


def test_a_batch_with_one_identification_out_of_step_moves_none(aid_county):
    school = officer(aid_county, "辛高中")
    graded = applied(aid_county, "辛高中")
    ident_actions.class_review(identification=graded, approve=True, acting_user=school)
    ident_actions.grade(identification=graded, grade="difficult", acting_user=school)
    only_applied = applied(aid_county, "壬高中")

    with pytest.raises(AidRefused):
        ident_actions.post(identifications=[graded, only_applied], acting_user=school)

    graded.refresh_from_db()
    assert graded.step == Step.GRADED


def test_a_school_officer_of_another_school_is_refused(aid_county):
    other = aid_county.user("officer_2")  # P1's officer; 壬高中 is at S1
    with pytest.raises(AidRefused):
        ident_actions.apply(
            student=aid_county.student("壬高中"),
            school_year=YEAR,
            season="autumn",
            reason=REASON,
            acting_user=other,
        )
    ident = applied(aid_county, "壬高中")
    with pytest.raises(AidRefused):
        ident_actions.class_review(identification=ident, approve=True, acting_user=other)
    ident.refresh_from_db()
    assert ident.step == Step.APPLIED


def test_the_auditor_is_refused_at_every_step(aid_county):
    auditor = aid_county.user("auditor")
    with pytest.raises(AidRefused):
        ident_actions.apply(
            student=aid_county.student("壬高中"),
            school_year=YEAR,
            season="autumn",
            reason=REASON,
            acting_user=auditor,
        )
    ident = applied(aid_county, "壬高中")
    school = officer(aid_county, "壬高中")
    ident_actions.class_review(identification=ident, approve=True, acting_user=school)
    ident_actions.grade(identification=ident, grade="difficult", acting_user=school)
    ident_actions.post(identifications=[ident], acting_user=school)
    for step in (
        lambda: ident_actions.confirm(identifications=[ident], acting_user=auditor),
        lambda: ident_actions.reject(identification=ident, note="x", acting_user=auditor),
        lambda: ident_actions.record_automatic(
            school_year=YEAR, season="autumn", acting_user=auditor
        ),
    ):
        with pytest.raises(AidRefused):
            step()
    assert Identification.objects.get(pk=ident.pk).step == Step.POSTED


def test_a_teacher_reviews_in_class_but_the_school_officer_grades(aid_county):
    teacher = User.objects.create_user(
        "teacher_4", role=Role.TEACHER, school=aid_county.school(CHILDREN["壬高中"].school)
    )
    ident = applied(aid_county, "壬高中")
    ident_actions.class_review(identification=ident, approve=True, acting_user=teacher)

    with pytest.raises(AidRefused):
        ident_actions.grade(identification=ident, grade="special", acting_user=teacher)
    with pytest.raises(AidRefused):
        ident_actions.confirm(identifications=[ident], acting_user=officer(aid_county, "壬高中"))
    assert Identification.objects.get(pk=ident.pk).step == Step.CLASS_REVIEWED


def test_the_panel_grading_nobody_rejects_and_the_roster_grade_stays(aid_county):
    school = officer(aid_county, "壬高中")
    ident = applied(aid_county, "壬高中")
    ident_actions.class_review(identification=ident, approve=True, acting_user=school)
    ident_actions.grade(identification=ident, grade="", acting_user=school)
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))

    assert Identification.objects.get(pk=ident.pk).step == Step.REJECTED
    assert grant("壬高中") == 75_000


def test_a_rejected_student_may_apply_again(aid_county):
    ident = applied(aid_county, "壬高中")
    ident_actions.reject(
        identification=ident, note="材料不全", acting_user=officer(aid_county, "壬高中")
    )
    again = applied(aid_county, "壬高中")

    assert again.pk == ident.pk and again.step == Step.APPLIED
    assert list(again.steps.order_by("pk").values_list("step", flat=True)) == [
        "applied",
        "rejected",
        "applied",
    ]


def test_the_county_may_decline_a_posted_identification_and_a_teacher_may_not_reject_a_graded_one(
    aid_county,
):
    school = officer(aid_county, "壬高中")
    teacher = User.objects.create_user(
        "teacher_4", role=Role.TEACHER, school=aid_county.school(CHILDREN["壬高中"].school)
    )
    ident = applied(aid_county, "壬高中")
    ident_actions.class_review(identification=ident, approve=True, acting_user=school)
    ident_actions.grade(identification=ident, grade="special", acting_user=school)
    with pytest.raises(AidRefused):
        ident_actions.reject(identification=ident, note="不符合", acting_user=teacher)
    ident_actions.post(identifications=[ident], acting_user=school)

    declined = ident_actions.reject(
        identification=ident,
        note="公示期间收到异议，经核实不符合",
        acting_user=aid_county.user("approver"),
    )

    assert (declined.step, declined.grade) == (Step.REJECTED, "")
    assert declined.steps.order_by("pk").last().note == "公示期间收到异议，经核实不符合"


def test_a_second_application_in_the_same_term_is_refused(aid_county):
    applied(aid_county, "壬高中")
    with pytest.raises(AidRefused):
        applied(aid_county, "壬高中")


# --- the public notice and scope -----------------------------------------------------------------------


def test_the_posting_shows_name_class_and_grade_and_never_the_reason_or_id(aid_county):
    identify(aid_county, "壬高中", "special")
    school = aid_county.school(CHILDREN["壬高中"].school)

    rows = ident_actions.posting(officer(aid_county, "壬高中"), school, YEAR, "autumn")

    assert [(r.name, r.class_name, r.grade) for r in rows] == [("壬高中", "1班", "特别困难")]
    shown = repr(rows)
    assert REASON not in shown
    child = CHILDREN["壬高中"]
    assert child.id_number not in shown
    assert child.id_number[6:14] not in shown  # nor the birth date
    assert set(rows[0].__dict__) == {"name", "class_name", "grade"}


def test_another_schools_posting_and_identifications_are_out_of_scope(aid_county):
    ident = identify(aid_county, "壬高中", "special")
    other = aid_county.user("officer_2")

    with pytest.raises(AidRefused):
        ident_actions.posting(other, ident.school, YEAR, "autumn")
    with pytest.raises(AidRefused):
        ident_actions.access_identification(other, ident.pk)
    assert not ident_actions.identifications_for(other, school_year=YEAR, season="autumn").exists()
    assert (
        ident_actions.identifications_for(
            officer(aid_county, "壬高中"), school_year=YEAR, season="autumn"
        ).get()
        == ident
    )


# --- automatic grades -----------------------------------------------------------------------------------


def test_automatic_grades_a_registered_poor_student_especially_difficult(aid_county):
    outcome = ident_actions.record_automatic(
        school_year=YEAR, season="autumn", acting_user=aid_county.user("approver")
    )

    found = Identification.objects.get(student__person__name="辛高中")
    assert (found.source, found.step, found.grade) == ("automatic", Step.CONFIRMED, "special")
    assert found.steps.get().step == Step.CONFIRMED
    graded = dict(
        Identification.objects.filter(source="automatic").values_list(
            "student__person__name", "grade"
        )
    )
    # hardship groups: 建档立卡 (incl. exited) special; 低保, orphans, disabled difficult
    assert graded == {
        "乙幼儿": "special",
        "辛高中": "special",
        "丑中职": "special",
        "丙幼儿": "difficult",
        "戊小学": "difficult",
        "己初中": "difficult",
        "庚初中": "difficult",
    }
    # roster-graded children keep their roster grade
    assert "壬高中" not in graded and "丁小学" not in graded
    assert outcome.created == 7
    run = AuditEntry.objects.get(action="aid.identification.automatic")
    assert run.detail["created"] == 7


def test_automatic_run_twice_changes_nothing(aid_county):
    approver = aid_county.user("approver")
    ident_actions.record_automatic(school_year=YEAR, season="autumn", acting_user=approver)
    again = ident_actions.record_automatic(school_year=YEAR, season="autumn", acting_user=approver)

    assert (again.created, again.refreshed, again.withdrawn, again.unchanged) == (0, 0, 0, 7)
    assert IdentificationStep.objects.count() == 7


def test_automatic_never_overwrites_a_grade_the_workflow_confirmed(aid_county):
    identify(aid_county, "辛高中", "difficult")

    outcome = ident_actions.record_automatic(
        school_year=YEAR, season="autumn", acting_user=aid_county.user("approver")
    )
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))

    found = Identification.objects.get(student__person__name="辛高中")
    assert (found.source, found.grade) == ("application", "difficult")
    assert outcome.created == 6 and outcome.held_by_workflow == 1
    assert grant("辛高中") == 100_000


def test_automatic_grade_gives_way_to_a_roster_grade_imported_later(aid_county):
    approver = aid_county.user("approver")
    ident_actions.record_automatic(school_year=YEAR, season="autumn", acting_user=approver)
    graded = dict(CHILDREN)
    graded["辛高中"] = CHILDREN["辛高中"].__class__(
        **{**CHILDREN["辛高中"].__dict__, "hardship": "一般困难"}
    )
    aid_county.import_csv("students", students_csv(graded))

    outcome = ident_actions.record_automatic(
        school_year=YEAR, season="autumn", acting_user=approver
    )
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))

    found = Identification.objects.get(student__person__name="辛高中")
    assert outcome.withdrawn == 1
    assert (found.step, found.grade) == (Step.REJECTED, "")
    assert grant("辛高中") == 75_000  # the roster's 一般困难, not the automatic 特别困难


def test_a_school_may_take_an_automatic_grade_to_its_panel(aid_county):
    ident_actions.record_automatic(
        school_year=YEAR, season="autumn", acting_user=aid_county.user("approver")
    )
    ident = identify(aid_county, "庚初中", "special")

    assert (ident.source, ident.grade) == ("application", "special")
    assert Identification.objects.filter(student__person__name="庚初中").count() == 1


# --- spring adjustments ---------------------------------------------------------------------------------


def test_a_spring_adjustment_changes_the_spring_grant_not_the_frozen_autumn_one(aid_county):
    identify(aid_county, "壬高中", "difficult")
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    AidTerm.objects.filter(term__code=TERM).update(state=AidTerm.State.APPROVED)
    aid_county.import_csv("students", students_csv(), term=SPRING)

    compute_term(term_code=SPRING, acting_user=aid_county.user("compiler"))
    assert grant("壬高中", SPRING) == 100_000  # the autumn result carries into spring

    spring = identify(aid_county, "壬高中", "special", season="spring")
    compute_term(term_code=SPRING, acting_user=aid_county.user("compiler"))

    assert spring.season == "spring"
    assert grant("壬高中", SPRING) == 125_000
    assert grant("壬高中", TERM) == 100_000
    apply_audit = AuditEntry.objects.get(
        action="aid.identification.apply", object_id=str(spring.pk)
    )
    assert apply_audit.detail["adjusts_autumn"] == "difficult"


def test_a_spring_adjustment_waits_for_the_autumn_identification_to_finish(aid_county):
    aid_county.import_csv("students", students_csv(), term=SPRING)
    applied(aid_county, "壬高中")

    with pytest.raises(AidRefused):
        applied(aid_county, "壬高中", season="spring")
    assert not Identification.objects.filter(season="spring").exists()


def test_a_new_applicant_may_apply_in_spring(aid_county):
    aid_county.import_csv("students", students_csv(), term=SPRING)

    ident = applied(aid_county, "戊小学", season="spring")

    assert ident.step == Step.APPLIED
    detail = AuditEntry.objects.get(action="aid.identification.apply").detail
    assert detail["adjusts_autumn"] is None


def test_a_spring_automatic_run_leaves_an_autumn_workflow_grade_in_force(aid_county):
    identify(aid_county, "辛高中", "difficult")
    aid_county.import_csv("students", students_csv(), term=SPRING)

    outcome = ident_actions.record_automatic(
        school_year=YEAR, season="spring", acting_user=aid_county.user("approver")
    )
    compute_term(term_code=SPRING, acting_user=aid_county.user("compiler"))

    assert outcome.held_by_workflow == 1
    assert not Identification.objects.filter(
        season="spring", student__person__name="辛高中"
    ).exists()
    assert grant("辛高中", SPRING) == 100_000


def test_nobody_applies_for_a_term_without_a_roster(aid_county):
    with pytest.raises(AidRefused):
        applied(aid_county, "壬高中", season="spring")


# --- the command line -----------------------------------------------------------------------------------


def test_the_command_line_grades_automatically_lists_and_confirms_a_school(aid_county):
    school = officer(aid_county, "壬高中")
    ident = applied(aid_county, "壬高中")
    ident_actions.class_review(identification=ident, approve=True, acting_user=school)
    ident_actions.grade(identification=ident, grade="special", acting_user=school)
    ident_actions.post(school=ident.school, school_year=YEAR, season="autumn", acting_user=school)

    out = StringIO()
    call_command("aid", "identify-auto", "--term", TERM, "--user", "approver", stdout=out)
    assert "created 7" in out.getvalue()
    call_command(
        "aid",
        "identify-confirm",
        "--term",
        TERM,
        "--school",
        CHILDREN["壬高中"].school,
        "--user",
        "approver",
        stdout=out,
    )
    assert "1 confirmed" in out.getvalue()
    listing = StringIO()
    call_command(
        "aid",
        "identify-list",
        "--term",
        TERM,
        "--school",
        CHILDREN["壬高中"].school,
        stdout=listing,
    )

    assert "壬高中" in listing.getvalue() and "辛高中" in listing.getvalue()
    assert REASON not in listing.getvalue()
    assert Identification.objects.get(pk=ident.pk).step == Step.CONFIRMED


def test_the_command_line_refuses_to_confirm_a_school_with_nothing_posted(aid_county):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "aid",
            "identify-confirm",
            "--term",
            TERM,
            "--school",
            CHILDREN["壬高中"].school,
            "--user",
            "approver",
            stdout=StringIO(),
        )
