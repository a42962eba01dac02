"""``compute_findings``: the five kinds of finding, on registers loaded through the imports."""

from __future__ import annotations

import pytest
from django.utils import timezone

from matching.findings_county import ELSEWHERE, HUKOU, POOR_HOUSEHOLD, SUN, ZHENG, load
from notoneless.aid.compute import compute_term
from notoneless.audit.models import AuditEntry
from notoneless.matching.errors import MatchingRefused
from notoneless.matching.findings import compute_findings
from notoneless.matching.models import CandidatePair, Finding, MatchRun, RecordKind
from notoneless.matching.review import verify_out_of_school
from notoneless.registry.models import DisabilityRecord, HukouRecord, Person, StudyElsewhereRecord
from web.county import POINT_A, SCHOOL_A, SCHOOL_B, TERM, TOWNSHIP_A, TOWNSHIP_B, resident_id

pytestmark = pytest.mark.django_db


def run_findings(county, **kwargs) -> tuple[MatchRun, dict[str, int]]:
    run = MatchRun.objects.create(started_at=timezone.now())
    counts = compute_findings(run=run, term_code=TERM, acting_user=county.user("county_admin"))
    return run, counts


def names(run: MatchRun, kind: str) -> list[str]:
    found = Finding.objects.filter(run=run, kind=kind).order_by("pk")
    out = []
    for f in found:
        if f.person_id:
            out.append(f.person.name)
        else:
            out.append(f.detail.get("name") or _record_name(f))
    return out


def _record_name(finding: Finding) -> str:
    from notoneless.matching.selectors import RECORD_MODELS

    return RECORD_MODELS[finding.record_kind]._default_manager.get(pk=finding.record_id).name


# --- out of school -------------------------------------------------------------------------------


def test_a_school_age_child_on_the_household_register_enrolled_nowhere_is_a_lead(county, tmp_path):
    load(tmp_path, "hukou", HUKOU)

    run, counts = run_findings(county)

    leads = Finding.objects.filter(run=run, kind=Finding.Kind.OUT_OF_SCHOOL)
    sun = HukouRecord.objects.get(name="孙小明")
    lead = leads.get(record_kind=RecordKind.HUKOU, record_id=sun.pk)
    assert lead.township.code == TOWNSHIP_A
    assert lead.reason  # in the county's language, whoever computed it
    assert lead.detail["expected_grade"] == 4
    assert counts["out-of-school"] == leads.count()


def test_an_enrolled_child_on_the_household_register_is_no_lead(county, tmp_path):
    load(tmp_path, "hukou", HUKOU)

    run, _ = run_findings(county)

    assert "张伟" not in names(run, Finding.Kind.OUT_OF_SCHOOL)


def test_a_child_studying_elsewhere_is_no_lead_by_id_or_by_name_and_birth_date(county, tmp_path):
    load(tmp_path, "hukou", HUKOU)
    run, _ = run_findings(county)
    before = names(run, Finding.Kind.OUT_OF_SCHOOL)
    assert {"周小红", "吴小刚"} <= set(before)

    load(tmp_path, "enrolled-elsewhere", ELSEWHERE)
    run, _ = run_findings(county)

    after = names(run, Finding.Kind.OUT_OF_SCHOOL)
    assert "周小红" not in after and "吴小刚" not in after
    assert "孙小明" in after


def test_a_child_too_young_for_school_is_no_lead(county, tmp_path):
    load(tmp_path, "hukou", HUKOU)

    run, _ = run_findings(county)

    assert "钱小宝" not in names(run, Finding.Kind.OUT_OF_SCHOOL)


def test_a_school_age_member_of_a_registered_poor_household_enrolled_nowhere_is_a_lead(
    county, tmp_path
):
    load(tmp_path, "households", POOR_HOUSEHOLD)

    run, _ = run_findings(county)

    leads = Finding.objects.filter(run=run, kind=Finding.Kind.OUT_OF_SCHOOL)
    assert [lead.record_kind for lead in leads] == [RecordKind.HOUSEHOLDS]
    assert leads[0].township.code == TOWNSHIP_B
    assert "郑建民" not in names(run, Finding.Kind.OUT_OF_SCHOOL)  # the adult is past school age


def test_a_child_on_both_registers_is_one_lead(county, tmp_path):
    load(tmp_path, "households", POOR_HOUSEHOLD)
    load(tmp_path, "hukou", HUKOU)

    run, _ = run_findings(county)

    zheng = [
        f
        for f in Finding.objects.filter(run=run, kind=Finding.Kind.OUT_OF_SCHOOL)
        if _record_name(f) == "郑小花"
    ]
    assert len(zheng) == 1
    assert zheng[0].record_kind == RecordKind.HUKOU
    assert sorted(zheng[0].detail["registers"]) == sorted([RecordKind.HUKOU, RecordKind.HOUSEHOLDS])


def test_verified_studying_elsewhere_records_it_and_the_next_run_raises_no_lead(county, tmp_path):
    load(tmp_path, "hukou", HUKOU)
    run, _ = run_findings(county)
    sun = HukouRecord.objects.get(name="孙小明")
    lead = Finding.objects.get(
        run=run, kind=Finding.Kind.OUT_OF_SCHOOL, record_kind=RecordKind.HUKOU, record_id=sun.pk
    )

    verify_out_of_school(
        finding=lead,
        outcome=Finding.Verification.STUDYING_ELSEWHERE,
        note="家访核实",
        acting_user=county.user("township_a"),
        school="神木市第一小学",
        place="神木市",
        evidence="学籍证明",
    )

    lead.refresh_from_db()
    assert lead.verification == Finding.Verification.STUDYING_ELSEWHERE
    assert lead.verified_by == county.user("township_a")
    elsewhere = StudyElsewhereRecord.objects.get(name="孙小明")
    assert (elsewhere.school_name, elsewhere.term.code) == ("神木市第一小学", TERM)
    assert AuditEntry.objects.filter(action="matching.verify", object_id=str(lead.pk)).exists()
    run2, _ = run_findings(county)
    assert "孙小明" not in names(run2, Finding.Kind.OUT_OF_SCHOOL)


def test_a_verification_carries_over_to_the_next_runs_lead(county, tmp_path):
    load(tmp_path, "hukou", HUKOU)
    run, _ = run_findings(county)
    sun = HukouRecord.objects.get(name="孙小明")
    lead = Finding.objects.get(
        run=run, kind=Finding.Kind.OUT_OF_SCHOOL, record_kind=RecordKind.HUKOU, record_id=sun.pk
    )
    verify_out_of_school(
        finding=lead,
        outcome=Finding.Verification.CONFIRMED,
        note="已辍学",
        acting_user=county.user("county_admin"),
    )

    run2, _ = run_findings(county)

    again = Finding.objects.get(
        run=run2, kind=Finding.Kind.OUT_OF_SCHOOL, record_kind=RecordKind.HUKOU, record_id=sun.pk
    )
    assert again.verification == Finding.Verification.CONFIRMED
    assert again.verification_note == "已辍学"


def test_verification_is_refused_outside_the_childs_township_and_for_auditors(county, tmp_path):
    load(tmp_path, "households", POOR_HOUSEHOLD)
    run, _ = run_findings(county)
    lead = Finding.objects.get(run=run, kind=Finding.Kind.OUT_OF_SCHOOL)  # 郑小花, township B

    for persona in ("township_a", "officer_a", "auditor", "teacher_a"):
        with pytest.raises(MatchingRefused):
            verify_out_of_school(
                finding=lead,
                outcome=Finding.Verification.MOVED_AWAY,
                acting_user=county.user(persona),
            )
    lead.refresh_from_db()
    assert lead.verification == Finding.Verification.OPEN

    verify_out_of_school(
        finding=lead, outcome=Finding.Verification.MOVED_AWAY, acting_user=county.user("officer_b")
    )
    lead.refresh_from_db()
    assert lead.verification == Finding.Verification.MOVED_AWAY


def test_studying_elsewhere_without_evidence_is_refused_and_changes_nothing(county, tmp_path):
    load(tmp_path, "hukou", HUKOU)
    run, _ = run_findings(county)
    lead = Finding.objects.filter(run=run, kind=Finding.Kind.OUT_OF_SCHOOL).first()

    with pytest.raises(MatchingRefused):
        verify_out_of_school(
            finding=lead,
            outcome=Finding.Verification.STUDYING_ELSEWHERE,
            acting_user=county.user("county_admin"),
            school="某校",
        )

    lead.refresh_from_db()
    assert lead.verification == Finding.Verification.OPEN
    assert not StudyElsewhereRecord.objects.exists()


# --- aid -----------------------------------------------------------------------------------------


def test_a_student_whose_household_was_linked_after_the_term_was_computed_has_missed_aid(
    county, tmp_path
):
    compute_term(term_code=TERM, acting_user=county.user("aid_officer"))
    li_na = county.id_number("李娜")
    load(
        tmp_path,
        "households",
        "户编号,户主姓名,与户主关系,姓名,身份证号,性别,出生日期,乡镇,村,贫困户状态,识别年度,脱贫年度\n"
        f"H005,李建设,户主,李建设,{resident_id('19820202', '015')},男,1982-02-02,鱼河镇,王沙沟村,未脱贫,2017,\n"
        f"H005,李建设,之女,李娜,{li_na},女,2013-06-11,鱼河镇,王沙沟村,未脱贫,2017,\n",
    )

    run, counts = run_findings(county)

    missed = Finding.objects.get(run=run, kind=Finding.Kind.MISSED_AID)
    assert missed.person == county.person("李娜")
    assert missed.school.code == POINT_A
    assert missed.detail["would_apply"] == ["compulsory_non_boarding"]
    assert missed.detail["term_computed"] is True
    assert counts["missed-aid"] == 1


def test_before_the_term_is_computed_missed_aid_is_judged_on_todays_facts(county, tmp_path):
    # 李娜 is an orphan: a hardship group, but the non-boarding subsidy is for the priority groups
    load(
        tmp_path,
        "assistance",
        f"类别,姓名,身份证号,乡镇,村\n孤儿,李娜,{county.id_number('李娜')},鱼河镇,王沙沟村\n",
    )

    run, counts = run_findings(county)

    missed = Finding.objects.get(run=run, kind=Finding.Kind.MISSED_AID)
    assert missed.person == county.person("李娜")
    assert missed.detail["term_computed"] is False
    assert missed.detail["would_apply"] == []
    assert counts["missed-aid"] == 1  # the registered-poor pupils qualify on today's facts
    assert counts["wrong-aid"] == 0


def test_aid_whose_basis_left_the_registers_is_wrong_aid(county, tmp_path):
    compute_term(term_code=TERM, acting_user=county.user("aid_officer"))
    # H003 (王芳's household) is no longer on the poverty register as registered or exited
    load(
        tmp_path,
        "households",
        "户编号,户主姓名,与户主关系,姓名,身份证号,性别,出生日期,乡镇,村,贫困户状态,识别年度,脱贫年度\n"
        f"H003,王建华,户主,王建华,{resident_id('19830210', '057')},男,1983-02-10,上盐湾镇,盐湾村,边缘易致贫户,2014,\n",
    )

    run, _ = run_findings(county)

    wrong = Finding.objects.get(run=run, kind=Finding.Kind.WRONG_AID)
    assert wrong.person == county.person("王芳")
    assert wrong.school.code == SCHOOL_B
    assert wrong.detail["program"] == "compulsory_non_boarding"
    assert wrong.township.code == TOWNSHIP_B


# --- duplicate enrolment -------------------------------------------------------------------------


def test_a_student_on_two_schools_rosters_in_one_term_is_found_at_both(county, tmp_path):
    zhang = county.id_number("张伟")
    load(
        tmp_path,
        "students",
        "学籍号,姓名,性别,身份证号,出生日期,学校标识码,年级,班级\n"
        f"G{zhang},张伟,男,{zhang},2012-03-05,{SCHOOL_B},二年级,1班\n",
    )

    run, counts = run_findings(county)

    found = Finding.objects.filter(run=run, kind=Finding.Kind.DUPLICATE_ENROLMENT)
    assert {f.school.code for f in found} == {SCHOOL_A, SCHOOL_B}
    assert {f.person.name for f in found} == {"张伟"}
    at_a = found.get(school__code=SCHOOL_A)
    assert "上盐湾镇中心小学" in at_a.reason
    assert counts["duplicate-enrolment"] == 2


# --- unmatched -----------------------------------------------------------------------------------


DISABILITY = """残疾证号,姓名,性别,出生日期,残疾类别,残疾等级,乡镇,村
D0001,刘阳,男,2012-08-08,肢体,三级,鱼河镇,鱼河村
"""


def test_a_record_that_matches_nobody_is_listed_with_its_nearest_candidates(county, tmp_path):
    load(tmp_path, "disability", DISABILITY)
    record = DisabilityRecord.objects.get(name="刘阳")
    run, _ = run_findings(county)
    lonely = Finding.objects.get(run=run, kind=Finding.Kind.UNMATCHED, record_id=record.pk)
    assert lonely.detail["nearest"] == []
    assert lonely.township.code == TOWNSHIP_A

    # candidate pairs are normally written by the engine; the test writes one directly
    CandidatePair.objects.create(
        run=run,
        record_kind=RecordKind.DISABILITY,
        record_id=record.pk,
        person=county.person("刘洋"),
        match_probability=0.62,
        match_weight=1.5,
        status=CandidatePair.Status.PENDING,
    )
    run2, _ = run_findings(county)

    lonely = Finding.objects.get(run=run2, kind=Finding.Kind.UNMATCHED, record_id=record.pk)
    assert [c["person_name"] for c in lonely.detail["nearest"]] == ["刘洋"]
    assert "刘洋" in lonely.reason


def test_adults_on_the_poverty_register_are_not_unmatched_children(county, tmp_path):
    load(tmp_path, "households", POOR_HOUSEHOLD)

    run, _ = run_findings(county)

    unmatched = names(run, Finding.Kind.UNMATCHED)
    assert "郑小花" in unmatched
    assert "郑建民" not in unmatched


def test_computing_again_replaces_the_runs_findings_and_is_audited(county, tmp_path):
    load(tmp_path, "hukou", HUKOU)
    run, first = run_findings(county)

    again = compute_findings(run=run, term_code=TERM, acting_user=county.user("county_admin"))

    assert again == first
    assert Finding.objects.filter(run=run).count() == sum(first.values())
    assert AuditEntry.objects.filter(action="matching.findings").count() == 2
    run.refresh_from_db()
    assert run.counts["findings"] == first


def test_a_term_without_a_roster_is_refused(county):
    run = MatchRun.objects.create(started_at=timezone.now())
    with pytest.raises(MatchingRefused):
        compute_findings(run=run, term_code="2031-autumn", acting_user=county.user("county_admin"))


def test_a_linked_child_last_on_a_roster_earlier_is_a_lead_naming_the_last_school(county, tmp_path):
    """孙小明 was a pupil in 2019 autumn and is on no roster in 2020 autumn."""
    load(
        tmp_path,
        "students",
        "学籍号,姓名,性别,身份证号,出生日期,学校标识码,年级,班级\n"
        f"G{SUN},孙小明,男,{SUN},2011-05-01,{SCHOOL_A},二年级,1班\n",
        term="2019-autumn",
    )
    load(tmp_path, "hukou", HUKOU)

    run, _ = run_findings(county)

    sun = Person.objects.get(name="孙小明")
    lead = Finding.objects.get(run=run, kind=Finding.Kind.OUT_OF_SCHOOL, person=sun)
    assert lead.school.code == SCHOOL_A
    assert lead.detail["last_term"] == "2019-autumn"
    assert ZHENG  # imported for the module's other tests


# --- the command ---------------------------------------------------------------------------------


def test_the_command_computes_then_lists_a_kind_as_json_and_xlsx(county, tmp_path):
    import io
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from openpyxl import load_workbook

    load(tmp_path, "hukou", HUKOU)
    out = io.StringIO()
    call_command("match", "findings", "--compute", "--term", TERM, "--json", stdout=out)
    assert json.loads(out.getvalue())["findings"]["out-of-school"] >= 1

    out = io.StringIO()
    workbook = tmp_path / "leads.xlsx"
    call_command(
        "match",
        "findings",
        "--kind",
        "out-of-school",
        "--township",
        TOWNSHIP_A,
        "--json",
        "--xlsx",
        str(workbook),
        stdout=out,
    )
    rows = json.loads(out.getvalue().splitlines()[-1])
    assert "孙小明" in {r["name"] for r in rows}
    assert all(r["township_code"] == TOWNSHIP_A for r in rows)
    assert SUN not in out.getvalue()
    assert load_workbook(workbook).active.max_row == len(rows) + 1

    with pytest.raises(CommandError):
        call_command("match", "findings", "--compute")


def test_a_row_without_birth_date_takes_it_from_its_damaged_id_and_one_of_unknown_age_is_a_lead(
    county, tmp_path
):
    damaged = resident_id("20110601", "035")
    damaged = damaged[:-1] + ("0" if damaged[-1] != "0" else "1")  # the check character is wrong
    load(
        tmp_path,
        "hukou",
        "姓名,身份证号,性别,乡镇,村,监护人姓名\n"
        f"冯小雨,{damaged},女,鱼河镇,鱼河村,冯大山\n"
        "何小川,,男,鱼河镇,鱼河村,何大江\n",
    )

    run, _counts = run_findings(county)

    leads = {
        _record_name(f): f for f in Finding.objects.filter(run=run, kind=Finding.Kind.OUT_OF_SCHOOL)
    }
    assert leads["冯小雨"].detail["expected_grade"] == 4
    assert leads["何小川"].detail["expected_grade"] is None
    assert "何小川" in leads and (
        "年龄不明" in leads["何小川"].reason or "unknown" in leads["何小川"].reason
    )


def test_a_row_of_unknown_age_waiting_in_review_is_no_lead_until_the_clerk_decides(
    county, tmp_path
):
    from notoneless.matching.models import CandidatePair

    load(tmp_path, "hukou", "姓名,性别,乡镇,村,监护人姓名\n张伟,男,鱼河镇,鱼河村,张建国\n")
    run = MatchRun.objects.create(started_at=timezone.now())
    record = HukouRecord.objects.get(name="张伟")
    # the engine would write this pair: a name-and-place match too weak to link without a clerk
    CandidatePair.objects.create(
        run=run,
        record_kind=RecordKind.HUKOU,
        record_id=record.pk,
        person=county.person("张伟"),
        match_probability=0.97,
        match_weight=5.0,
        status=CandidatePair.Status.PENDING,
    )

    compute_findings(run=run, term_code=TERM, acting_user=county.user("county_admin"))

    assert not Finding.objects.filter(run=run, kind=Finding.Kind.OUT_OF_SCHOOL).exists()
