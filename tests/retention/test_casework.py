"""Working a case: the scan gives it steps with due dates (from the rules) and named people; steps are
recorded, outcomes close it, a returned child is followed, overdue steps escalate."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from notoneless.audit.models import AuditEntry
from notoneless.retention import selectors
from notoneless.retention.actions import scan
from notoneless.retention.casework import close_case, record_step
from notoneless.retention.dropout_rules import default_rules
from notoneless.retention.errors import RetentionRefused
from notoneless.retention.models import Case, CaseStep, Duty, Line, Responsible
from retention.cases import SCAN_DAY, import_absences, open_case
from web.county import SCHOOL_A, SCHOOL_B, County

pytestmark = pytest.mark.django_db
KIND = CaseStep.Kind


def test_a_new_case_gets_the_rules_steps_with_due_dates(county: County, tmp_path: Path):
    case = open_case(county, tmp_path)

    plan = default_rules().steps
    steps = list(case.steps.order_by("position"))
    assert [s.kind for s in steps] == [p.kind for p in plan]
    assert [s.due_on for s in steps] == [SCAN_DAY + timedelta(days=p.due_days) for p in plan]
    assert case.township.name == "鱼河镇" and case.school.code == SCHOOL_A
    assert case.detail["days"] == 3 and case.detail["first_date"] == "2020-11-25"


def test_a_new_case_names_both_lines_and_the_guardian(county: County, tmp_path: Path):
    town = county.school(SCHOOL_A).township
    village = county.person("张伟").hukou_village
    Responsible.objects.create(duty=Duty.TOWNSHIP_HEAD, division=town, name="高镇长")
    Responsible.objects.create(duty=Duty.VILLAGE_HEAD, division=village, name="鱼村长")
    Responsible.objects.create(duty=Duty.PRINCIPAL, school=county.school(SCHOOL_A), name="白校长")
    Responsible.objects.create(duty=Duty.PRINCIPAL, school=county.school(SCHOOL_B), name="别校长")

    case = open_case(county, tmp_path)

    parties = {(p.line, p.duty, p.name) for p in case.parties.all()}
    assert (Line.ADMINISTRATIVE, Duty.TOWNSHIP_HEAD, "高镇长") in parties
    assert (Line.ADMINISTRATIVE, Duty.VILLAGE_HEAD, "鱼村长") in parties
    assert (Line.EDUCATION, Duty.PRINCIPAL, "白校长") in parties
    assert (Line.FAMILY, Duty.GUARDIAN, "家长0") in parties
    assert "别校长" not in {p[2] for p in parties}


def test_a_step_is_recorded_and_audited(county: County, tmp_path: Path):
    case = open_case(county, tmp_path)
    step = record_step(
        case=case,
        kind=KIND.HOME_VISIT,
        done_on=SCAN_DAY,
        performed_by="班主任 李老师，村主任",
        notes="家长称孩子在外打工",
        acting_user=county.user("teacher_a"),
    )
    assert step.done_on == SCAN_DAY and step.done_by == county.user("teacher_a")
    assert AuditEntry.objects.filter(action="retention.step", object_id=str(case.pk)).exists()


def test_a_notice_sets_the_day_to_return_by(county: County, tmp_path: Path):
    case = open_case(county, tmp_path)
    step = record_step(
        case=case,
        kind=KIND.NOTICE,
        done_on=date(2020, 12, 10),
        performed_by="鱼河镇政府",
        notes="",
        acting_user=county.user("township_a"),
    )
    assert step.return_by == date(2020, 12, 10) + timedelta(days=default_rules().notice_return_days)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"done_on": date(2099, 1, 1)}, "将来"),
        ({"done_on": date(2020, 11, 1)}, "早于立案日期"),
        ({"performed_by": "  "}, "参与人员"),
        ({"kind": KIND.HOME_VISIT, "return_by": date(2020, 12, 20)}, "返校期限"),
        ({"kind": KIND.NOTICE, "return_by": date(2020, 11, 30)}, "晚于通知日期"),
    ],
)
def test_a_bad_step_is_refused_and_changes_nothing(
    county: County, tmp_path: Path, change: dict, message: str
):
    case = open_case(county, tmp_path)
    given = {
        "case": case,
        "kind": KIND.HOME_VISIT,
        "done_on": SCAN_DAY,
        "performed_by": "李老师",
        "notes": "",
        "acting_user": county.user("officer_a"),
        **change,
    }
    with pytest.raises(RetentionRefused, match=message):
        record_step(**given)
    assert not case.steps.filter(done_on__isnull=False).exists()


def test_an_auditor_reads_but_cannot_work_a_case(county: County, tmp_path: Path):
    case = open_case(county, tmp_path)
    auditor = county.user("auditor")
    assert selectors.get_case(auditor, case.pk) == case
    with pytest.raises(RetentionRefused):
        record_step(
            case=case,
            kind=KIND.HOME_VISIT,
            done_on=SCAN_DAY,
            performed_by="x",
            notes="",
            acting_user=auditor,
        )


@pytest.mark.parametrize(
    ("outcome", "extra"),
    [
        (Case.Outcome.RETURNED, {}),
        (Case.Outcome.TRANSFERRED, {"receiving_school": SCHOOL_B}),
        (Case.Outcome.HOME_TAUGHT, {}),
        (Case.Outcome.DEFERRED, {"certificate": "榆林市第一医院诊断证明 2020-123"}),
        (Case.Outcome.MOVED_AWAY, {"destination": "内蒙古鄂尔多斯市"}),
        (Case.Outcome.EXPLAINED, {}),
    ],
)
def test_every_outcome_closes_the_case(county: County, tmp_path: Path, outcome: str, extra: dict):
    case = open_case(county, tmp_path)
    if "receiving_school" in extra:
        extra = {"receiving_school": county.school(extra["receiving_school"])}
    closed = close_case(
        case=case,
        outcome=outcome,
        closed_on=date(2020, 12, 7),
        note="",
        acting_user=county.user("officer_a"),
        **extra,
    )
    closed.refresh_from_db()
    assert (closed.status, closed.outcome, closed.closed_on) == (
        "closed",
        outcome,
        date(2020, 12, 7),
    )
    returned = outcome == Case.Outcome.RETURNED
    assert (closed.follow_until is not None) == returned
    with pytest.raises(RetentionRefused, match="已结案"):
        close_case(
            case=closed,
            outcome=Case.Outcome.RETURNED,
            closed_on=date(2020, 12, 8),
            note="",
            acting_user=county.user("officer_a"),
        )


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        (Case.Outcome.TRANSFERRED, "转入学校"),
        (Case.Outcome.MOVED_AWAY, "迁往地"),
        (Case.Outcome.DEFERRED, "医院证明"),
        ("graduated", "未知的结案结果"),
    ],
)
def test_an_outcome_without_what_it_needs_is_refused(
    county: County, tmp_path: Path, outcome: str, message: str
):
    case = open_case(county, tmp_path)
    with pytest.raises(RetentionRefused, match=message):
        close_case(
            case=case,
            outcome=outcome,
            closed_on=date(2020, 12, 7),
            note="",
            acting_user=county.user("officer_a"),
        )
    case.refresh_from_db()
    assert case.is_open


def test_a_teacher_cannot_close_a_case(county: County, tmp_path: Path):
    case = open_case(county, tmp_path)
    with pytest.raises(RetentionRefused, match="无权结案"):
        close_case(
            case=case,
            outcome=Case.Outcome.RETURNED,
            closed_on=date(2020, 12, 7),
            note="",
            acting_user=county.user("teacher_a"),
        )


def test_a_returned_child_who_stops_coming_again_opens_a_case_naming_the_first(
    county: County, tmp_path: Path
):
    first = open_case(county, tmp_path)
    close_case(
        case=first,
        outcome=Case.Outcome.RETURNED,
        closed_on=date(2020, 12, 1),
        note="",
        acting_user=county.user("officer_a"),
    )
    import_absences(
        county, tmp_path, [("张伟", d, "旷课") for d in ("2020-12-08", "2020-12-09", "2020-12-10")]
    )
    scan(as_of=date(2020, 12, 11), acting_user=None)

    again = Case.objects.get(person=county.person("张伟"), status=Case.Status.SUSPECTED)
    assert again.pk != first.pk
    assert again.detail["relapse_of"] == first.pk
    since = selectors.attendance_since_return(Case.objects.get(pk=first.pk))
    assert since is not None and since.unexcused == 3


def test_overdue_steps_escalate_to_the_bureau_after_the_rules_days(county: County, tmp_path: Path):
    case = open_case(county, tmp_path)
    rules = default_rules()
    admin = county.user("county_admin")

    assert selectors.overdue_steps(admin, SCAN_DAY) == []
    one_day_late = selectors.overdue_steps(admin, SCAN_DAY + timedelta(days=1))
    assert [(s.step.kind, s.days_late, s.escalated) for s in one_day_late] == [
        (KIND.HOME_VISIT, 1, False)
    ]
    later = SCAN_DAY + timedelta(days=rules.escalate_after_days + 2)
    late = {s.step.kind: s for s in selectors.overdue_steps(admin, later)}
    assert late[KIND.HOME_VISIT].escalated and late[KIND.REPORT].escalated
    assert not late[KIND.PERSUASION_PLAN].escalated

    record_step(
        case=case,
        kind=KIND.HOME_VISIT,
        done_on=SCAN_DAY,
        performed_by="李老师",
        notes="",
        acting_user=admin,
    )
    late = {s.step.kind for s in selectors.overdue_steps(admin, later)}
    assert KIND.HOME_VISIT not in late
    board = selectors.dashboard(admin, later)
    assert board.suspected == 1 and board.escalated == len(
        [s for s in selectors.overdue_steps(admin, later) if s.escalated]
    )
    assert selectors.overdue_steps(county.user("officer_b"), later) == []


# --- the triggers that are not absences ------------------------------------------------------------


def _roster_with(county: County, tmp_path: Path, name: str, status: str, day: str) -> None:
    from web.county import import_csv, students_csv

    lines = students_csv().splitlines()
    header = lines[0] + ",学籍状态,学籍变动日期"
    rows = [line + (f",{status},{day}" if f",{name}," in line else ",在校,") for line in lines[1:]]
    import_csv(tmp_path, "students", "\n".join([header, *rows]) + "\n", county.user("superuser"))


def test_a_child_who_transferred_out_and_enrolled_nowhere_is_suspected_after_the_grace(
    county: County, tmp_path: Path
):
    from web.county import import_csv, students_csv

    _roster_with(county, tmp_path, "王芳", "转出", "2020-11-02")
    grace = default_rules().transfer_grace_days

    early = scan(as_of=date(2020, 11, 2) + timedelta(days=grace - 1), acting_user=None)
    assert early.opened == 0
    scan(as_of=date(2020, 11, 2) + timedelta(days=grace), acting_user=None)
    case = Case.objects.get(trigger=Case.Trigger.TRANSFER)
    assert case.person == county.person("王芳") and case.school.code == SCHOOL_B
    assert case.detail["left_on"] == "2020-11-02"

    # the receiving school's roster names her: the next scan settles the case
    row = next(line for line in students_csv().splitlines() if ",王芳," in line)
    row = row.replace(f",{SCHOOL_B},上盐湾镇中心小学,", f",{SCHOOL_A},鱼河镇中心小学,")
    header = students_csv().splitlines()[0]
    import_csv(tmp_path, "students", f"{header}\n{row}\n", county.user("superuser"))
    settled = scan(as_of=date(2020, 11, 30), acting_user=None)
    case.refresh_from_db()
    assert settled.settled == 1
    assert (case.status, case.outcome, case.receiving_school.code) == (
        "closed",
        "transferred",
        SCHOOL_A,
    )


def test_a_child_with_a_place_elsewhere_opens_no_transfer_case(county: County, tmp_path: Path):
    _roster_with(county, tmp_path, "王芳", "送教上门", "2020-09-01")
    scan(as_of=date(2020, 11, 30), acting_user=None)
    assert not Case.objects.exists()


def test_a_confirmed_out_of_school_child_gets_a_case_and_one_studying_elsewhere_none(
    county: County, tmp_path: Path
):
    from django.utils import timezone

    from matching.findings_county import HUKOU, load
    from notoneless.matching.findings import compute_findings
    from notoneless.matching.models import Finding, MatchRun
    from notoneless.matching.review import verify_out_of_school
    from notoneless.registry.models import HukouRecord

    load(tmp_path, "hukou", HUKOU)
    run = MatchRun.objects.create(started_at=timezone.now())
    compute_findings(run=run, term_code="2020-autumn", acting_user=county.user("county_admin"))
    leads = Finding.objects.filter(run=run, kind=Finding.Kind.OUT_OF_SCHOOL)
    records = dict(HukouRecord.objects.values_list("name", "pk"))
    sun = leads.get(record_kind="hukou", record_id=records["孙小明"])
    wu = leads.get(record_kind="hukou", record_id=records["吴小刚"])
    verify_out_of_school(
        finding=sun,
        outcome=Finding.Verification.CONFIRMED,
        note="家访核实，未入学",
        acting_user=county.user("township_a"),
    )
    verify_out_of_school(
        finding=wu,
        outcome=Finding.Verification.STUDYING_ELSEWHERE,
        acting_user=county.user("township_a"),
        school="神木市第一小学",
        place="神木市",
        evidence="学籍证明",
    )

    result = scan(as_of=SCAN_DAY, acting_user=None)

    case = Case.objects.get()
    assert result.opened == 1 and case.trigger == Case.Trigger.OUT_OF_SCHOOL
    assert case.person.name == "孙小明" and case.student is None and case.school is None
    assert (case.village.name, case.township.name) == ("鱼河村", "鱼河镇")
    assert case.finding == sun
    assert case.steps.count() == len(default_rules().steps)
    assert scan(as_of=SCAN_DAY, acting_user=None).opened == 0
