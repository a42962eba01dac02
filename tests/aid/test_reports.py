"""Explain, summary, gaps, quotas and the freeze, on the hand-built county."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from aid.county import CHILDREN, EXPECTED, S1, TERM
from notoneless.aid import selectors, workflow
from notoneless.aid.compute import compute_term
from notoneless.aid.models import AidTerm, Entitlement
from notoneless.aid.packs_store import install_pack
from notoneless.aid.policy import pack_path

pytestmark = pytest.mark.django_db
DEFAULT = pack_path("shaanxi-2020").read_text(encoding="utf-8")


def explained(county, name: str) -> dict[str, selectors.ProgramVerdict]:
    student = county.student(name)
    out = selectors.explain(county.user("compiler"), student.pk, TERM)
    return {v.code: v for v in out.verdicts}


def test_explain_says_why_an_urban_dibao_child_gets_no_non_boarding_subsidy(aid_county):
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    verdict = explained(aid_county, "己初中")["compulsory_non_boarding"]
    assert not verdict.applies
    assert "城镇" in verdict.reason or "urban" in verdict.reason.lower()
    assert "农村" in verdict.reason or "rural" in verdict.reason.lower()


def test_explain_gives_the_amount_and_the_group_that_made_a_program_apply(aid_county):
    verdict = explained(aid_county, "辛高中")["senior_grant"]
    assert verdict.applies and verdict.amount_fen == EXPECTED["辛高中"]["senior_grant"]
    assert "建档立卡" in verdict.reason


def test_explain_of_another_stage_says_the_program_is_not_for_it(aid_county):
    verdict = explained(aid_county, "甲幼儿")["senior_grant"]
    assert not verdict.applies and verdict.reason


def test_the_explain_command_prints_one_line_per_program(aid_county):
    out = StringIO()
    number = "G" + CHILDREN["戊小学"].id_number
    call_command("aid", "explain", number, "--term", TERM, stdout=out)
    text = out.getvalue()
    assert "义务教育家庭经济困难非寄宿生生活补助" in text and "250.00" in text


def test_summary_keeps_families_schools_and_other_agencies_apart(aid_county):
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    result = selectors.summary(aid_county.user("auditor"), TERM)
    by_code = {p.code: p for p in result.programs}
    family = sum(
        f
        for child in EXPECTED.values()
        for p, f in child.items()
        if by_code.get(p) and by_code[p].payee == "family"
    )
    school = sum(
        f
        for child in EXPECTED.values()
        for p, f in child.items()
        if by_code.get(p) and by_code[p].payee == "school"
    )
    assert result.total("family") == family and result.total("school") == school
    assert result.total() == family + school
    recorded = {p.code: p for p in result.recorded}
    assert recorded["yulu"].fen == EXPECTED["丑中职"]["yulu"] and "yulu" not in by_code


def test_summary_command_json_and_xlsx(aid_county, tmp_path):
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    out = StringIO()
    call_command(
        "aid", "summary", "--term", TERM, "--json", "--xlsx", str(tmp_path / "s.xlsx"), stdout=out
    )
    data = json.loads(out.getvalue())
    school_fen = sum(f for c in EXPECTED.values() for p, f in c.items() if "waiver" in p)
    assert data["paid_to_schools_yuan"] == f"{school_fen / 100:.2f}" == "4000.00"
    import polars as pl

    sheet = pl.read_excel(tmp_path / "s.xlsx", engine="calamine")
    assert "普通高中国家助学金" in sheet["项目"].to_list()


def test_gaps_names_what_blocks_each_child(aid_county):
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    missed, over = selectors.gaps(aid_county.user("compiler"), TERM)
    reasons = {(g.student_id, g.program): g.reason for g in missed}
    wu = aid_county.student("戊小学").pk
    assert (
        "bank" in reasons[(wu, "compulsory_non_boarding")]
        or "银行" in reasons[(wu, "compulsory_non_boarding")]
    )
    paid_programs = sum(1 for child in EXPECTED.values() for p in child if p != "yulu")
    assert len(missed) == paid_programs and over == []


def test_a_school_quota_funds_the_highest_grade_first_and_reports_the_rest_apart(aid_county):
    quota = f'\n[[quotas]]\nprogram = "senior_grant"\nschool = "{S1}"\nstudents = 1\n'
    install_pack(
        text=DEFAULT.replace("version = 1", "version = 2") + quota,
        source="q.toml",
        acting_user=None,
    )
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))

    status = dict(
        Entitlement.objects.filter(program="senior_grant").values_list(
            "student__person__name", "status"
        )
    )
    assert status == {"辛高中": "due", "壬高中": "over_quota"}
    missed, over = selectors.gaps(aid_county.user("compiler"), TERM)
    ren = aid_county.student("壬高中").pk
    assert [g.student_id for g in over] == [ren]
    assert all(g.student_id != ren or g.program != "senior_grant" for g in missed)
    assert selectors.summary(aid_county.user("compiler"), TERM).programs[4].students == 1


def _approve(county) -> AidTerm:
    compute_term(term_code=TERM, acting_user=county.user("compiler"))
    aid_term = AidTerm.objects.get(term__code=TERM)
    for school in workflow.schools_not_submitted(aid_term):
        officer = next(u for u in county.users.values() if u.school_id == school.pk)
        workflow.submit_school_list(
            aid_term=aid_term, school=school, notice_start=None, acting_user=officer
        )
    workflow.compile_term(aid_term=aid_term, acting_user=county.user("compiler"))
    return workflow.approve_term(aid_term=aid_term, acting_user=county.user("approver"))


def test_an_approved_term_is_frozen_register_edits_do_not_change_it(aid_county):
    from aid.county import CHILDREN, Child, students_csv

    _approve(aid_county)
    before = list(Entitlement.objects.order_by("pk").values_list("pk", "amount_fen", "status"))
    changed = dict(CHILDREN)
    changed["壬高中"] = Child("091", "20040612", S1, "高二", boarder=True, hardship="特别困难")
    aid_county.import_csv("students", students_csv(changed))

    from notoneless.aid.errors import AidRefused

    with pytest.raises(AidRefused):
        compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    assert (
        list(Entitlement.objects.order_by("pk").values_list("pk", "amount_fen", "status")) == before
    )
    # the explanation of a frozen term uses the facts it was computed from
    verdict = explained(aid_county, "壬高中")["senior_grant"]
    assert verdict.amount_fen == EXPECTED["壬高中"]["senior_grant"]


def test_a_frozen_entitlement_changes_only_by_an_adjustment_with_a_reason(aid_county):
    _approve(aid_county)
    entitlement = Entitlement.objects.get(program="senior_grant", student__person__name="壬高中")
    from notoneless.aid.errors import AidRefused

    with pytest.raises(AidRefused):
        workflow.adjust_entitlement(
            entitlement=entitlement,
            amount_fen=125_000,
            reason=" ",
            acting_user=aid_county.user("compiler"),
        )
    workflow.adjust_entitlement(
        entitlement=entitlement,
        amount_fen=125_000,
        reason="认定等级复核为特别困难",
        acting_user=aid_county.user("compiler"),
    )
    entitlement.refresh_from_db()
    assert entitlement.amount_fen == 125_000
    assert entitlement.adjustments.get().old_amount_fen == 75_000


def test_the_three_person_rule_the_compiler_cannot_approve(aid_county):
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    aid_term = AidTerm.objects.get(term__code=TERM)
    for school in workflow.schools_not_submitted(aid_term):
        officer = next(u for u in aid_county.users.values() if u.school_id == school.pk)
        workflow.submit_school_list(
            aid_term=aid_term, school=school, notice_start=None, acting_user=officer
        )
    workflow.compile_term(aid_term=aid_term, acting_user=aid_county.user("compiler"))
    from notoneless.aid.errors import AidRefused

    with pytest.raises(AidRefused):
        workflow.approve_term(aid_term=aid_term, acting_user=aid_county.user("compiler"))
    with pytest.raises(AidRefused):
        workflow.approve_term(aid_term=aid_term, acting_user=aid_county.user("officer_4"))
    assert workflow.approve_term(aid_term=aid_term, acting_user=aid_county.user("approver")).frozen


def test_compile_is_refused_while_a_school_has_not_submitted(aid_county):
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    aid_term = AidTerm.objects.get(term__code=TERM)
    from notoneless.aid.errors import AidRefused

    with pytest.raises(AidRefused) as caught:
        workflow.compile_term(aid_term=aid_term, acting_user=aid_county.user("compiler"))
    assert "5" in str(caught.value)
    aid_term.refresh_from_db()
    assert aid_term.state == "open"


def test_a_school_officer_cannot_submit_another_schools_list(aid_county):
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    aid_term = AidTerm.objects.get(term__code=TERM)
    from notoneless.aid.errors import AidRefused

    with pytest.raises(AidRefused):
        workflow.submit_school_list(
            aid_term=aid_term,
            school=aid_county.school(S1),
            notice_start=None,
            acting_user=aid_county.user("officer_1"),
        )


def test_the_five_year_view_counts_autumn_in_its_year_and_spring_in_the_next(aid_county):
    from aid.county import students_csv

    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    aid_county.import_csv("students", students_csv(), term="2020-spring")
    compute_term(term_code="2020-spring", acting_user=aid_county.user("compiler"))
    out = StringIO()
    call_command("aid", "years", "--json", stdout=out)
    rows = {(r["year"], r["program"]): r for r in json.loads(out.getvalue())}
    assert rows[(2020, "senior_grant")]["due_fen"] == 125_000 + 75_000
    assert rows[(2021, "senior_grant")]["due_fen"] == 125_000 + 75_000
    assert rows[(2020, "senior_grant")]["paid_fen"] == 0


def test_the_ledger_command_writes_one_row_per_student_program_and_term(aid_county, tmp_path):
    import polars as pl

    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    out = StringIO()
    call_command(
        "aid",
        "ledger",
        "--term",
        TERM,
        "--stage",
        "senior",
        "--out",
        str(tmp_path / "l.csv"),
        stdout=out,
    )
    rows = pl.read_csv(tmp_path / "l.csv", infer_schema_length=0)
    senior = sum(len(EXPECTED[n]) for n in ("辛高中", "壬高中"))
    assert rows.height == senior and f"{senior} rows" in out.getvalue()
    assert not any(CHILDREN["辛高中"].id_number in str(v) for v in rows.row(0))
    call_command("aid", "ledger", "--out", str(tmp_path / "l.xlsx"), stdout=StringIO())
    book = pl.read_excel(tmp_path / "l.xlsx", engine="calamine")
    assert book.height == sum(len(p) for p in EXPECTED.values())
