"""Quick attendance entry: a teacher taps absent children of a class on a school day; the marks can be
corrected; a student of another school is not found; a holiday or a closure is refused with a message;
every change is audited. Also one student's figures on the student page."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from notoneless.accounts.models import Role, User
from notoneless.audit.models import AuditEntry
from notoneless.registry.models import Term
from notoneless.retention.attendance import record_absences, student_attendance
from notoneless.retention.calendar import add_closure, today
from notoneless.retention.errors import RetentionRefused
from notoneless.retention.models import Absence
from web.county import FAST_HASHERS, SCHOOL_A, SCHOOL_B, County, build_county

DAY = date(2020, 11, 2)  # a Monday of the autumn term 2020
SHEET, MARK = "/retention/attendance/", "/retention/attendance/mark/"


@pytest.fixture
def county(db: None, tmp_path: Path, settings: Any) -> County:
    """The small county of the web tests, built through the import."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return build_county(tmp_path)


@pytest.fixture
def teacher_b(county: County) -> User:
    return User.objects.create_user(
        "teacher_b", password="x", role=Role.TEACHER, school=county.school(SCHOOL_B)
    )


def tap(client, student_id: int, status: str, day: date = DAY, fetch: bool = True):
    headers = {"X-Requested-With": "fetch"} if fetch else {}
    data = {"student": student_id, "date": day.isoformat(), "class": "2-2班", "status": status}
    return client.post(MARK, data, headers=headers)


def statuses() -> dict[int, str]:
    return dict(Absence.objects.values_list("student_id", "status"))


def test_the_sheet_lists_the_teachers_class_with_one_tap_per_child(
    county: County, teacher_b: User
) -> None:
    client = county.client("officer_b")
    html = client.get(SHEET, {"date": DAY.isoformat()}).content.decode()
    for name in ("王芳", "刘洋", "赵磊"):
        assert name in html
    assert "张伟" not in html  # another school
    assert html.count('class="att-tap"') == 3
    assert 'name="viewport"' in html and "width=device-width" in html


def test_a_teacher_records_and_corrects_absences(county: County, teacher_b: User) -> None:
    client = county.client("officer_b")
    client.force_login(teacher_b)
    wang, liu = county.student("王芳").pk, county.student("刘洋").pk
    reply = tap(client, wang, "unexcused")
    assert reply.status_code == 200 and 'data-status="unexcused"' in reply.content.decode()
    assert 'value="sick"' in reply.content.decode()  # the next tap makes it sick leave
    tap(client, liu, "personal")
    assert statuses() == {wang: "unexcused", liu: "personal"}
    tap(client, wang, "sick")
    tap(client, liu, "")  # present after all
    assert statuses() == {wang: "sick"}
    absence = Absence.objects.get()
    assert (absence.date, absence.school.code) == (DAY, SCHOOL_B)
    entries = AuditEntry.objects.filter(action="retention.attendance.record")
    assert entries.count() == 4 and {e.username for e in entries} == {"teacher_b"}
    assert entries.filter(object_id=SCHOOL_B, detail__date=DAY.isoformat()).count() == 4


def test_the_same_tap_twice_changes_nothing_and_is_not_audited_again(
    county: County, teacher_b: User
) -> None:
    client = county.client("officer_b")
    wang = county.student("王芳").pk
    tap(client, wang, "unexcused")
    tap(client, wang, "unexcused")
    assert statuses() == {wang: "unexcused"}
    assert AuditEntry.objects.filter(action="retention.attendance.record").count() == 1


def test_without_javascript_a_tap_posts_and_comes_back_to_the_class(
    county: County, teacher_b: User
) -> None:
    wang = county.student("王芳").pk
    reply = tap(county.client("officer_b"), wang, "unexcused", fetch=False)
    assert reply.status_code == 302 and reply["Location"].endswith(f"#s{wang}")
    assert "date=2020-11-02" in reply["Location"]
    assert statuses() == {wang: "unexcused"}


def test_a_teacher_of_another_school_gets_404_for_a_student_not_theirs(
    county: County, teacher_b: User
) -> None:
    zhang = county.student("张伟").pk  # school A
    client = county.client("officer_b")
    client.force_login(teacher_b)
    assert tap(client, zhang, "unexcused").status_code == 404
    assert (
        county.client("teacher_a")
        .post(
            MARK, {"student": county.student("王芳").pk, "date": DAY.isoformat(), "status": "sick"}
        )
        .status_code
        == 404
    )
    assert Absence.objects.count() == 0


def test_a_holiday_is_refused_with_a_message_naming_it(county: County, teacher_b: User) -> None:
    client = county.client("officer_b")
    holiday = date(2020, 10, 1)
    html = client.get(SHEET, {"date": holiday.isoformat()}).content.decode()
    assert "国庆节" in html and 'class="att-tap"' not in html
    reply = tap(client, county.student("王芳").pk, "unexcused", day=holiday)
    assert reply.status_code == 409 and "国庆节" in reply.content.decode()
    assert Absence.objects.count() == 0
    assert not AuditEntry.objects.filter(action="retention.attendance.record").exists()


def test_a_closure_of_the_school_is_refused_and_the_other_school_is_open(
    county: County, teacher_b: User
) -> None:
    add_closure(
        school=county.school(SCHOOL_B),
        start_date=DAY,
        end_date=DAY,
        reason="大雪停课",
        acting_user=county.user("county_admin"),
    )
    reply = tap(county.client("officer_b"), county.student("王芳").pk, "unexcused")
    assert reply.status_code == 409 and "大雪停课" in reply.content.decode()
    assert tap(county.client("teacher_a"), county.student("张伟").pk, "sick").status_code == 200
    assert list(Absence.objects.values_list("school__code", flat=True)) == [SCHOOL_A]


def test_the_action_refuses_the_future_and_students_not_enrolled_at_the_school(
    county: County,
) -> None:
    school_b = county.school(SCHOOL_B)
    officer = county.user("officer_b")
    later = today() + timedelta(days=1)
    with pytest.raises(RetentionRefused, match="future"):
        record_absences(
            school=school_b,
            date=later,
            marks={county.student("王芳").pk: "sick"},
            acting_user=officer,
        )
    with pytest.raises(RetentionRefused, match="not enrolled"):
        record_absences(
            school=school_b,
            date=DAY,
            marks={county.student("张伟").pk: "sick"},
            acting_user=officer,
        )
    with pytest.raises(RetentionRefused, match="own school"):
        record_absences(
            school=county.school(SCHOOL_A),
            date=DAY,
            marks={county.student("张伟").pk: "sick"},
            acting_user=officer,
        )
    assert Absence.objects.count() == 0


def test_a_county_role_cannot_take_attendance(county: County) -> None:
    assert county.client("county_admin").get(SHEET).status_code == 403


def test_closures_refuse_a_backwards_or_overlapping_range_and_are_audited(county: County) -> None:
    school = county.school(SCHOOL_B)
    admin = county.user("county_admin")
    add_closure(
        school=school,
        start_date=date(2020, 11, 9),
        end_date=date(2020, 11, 13),
        reason="疫情停课",
        acting_user=admin,
    )
    with pytest.raises(RetentionRefused, match="overlapping"):
        add_closure(
            school=school,
            start_date=date(2020, 11, 13),
            end_date=date(2020, 11, 16),
            reason="再停",
            acting_user=admin,
        )
    with pytest.raises(RetentionRefused, match="before it starts"):
        add_closure(
            school=school,
            start_date=date(2020, 11, 20),
            end_date=date(2020, 11, 19),
            reason="倒序",
            acting_user=admin,
        )
    entry = AuditEntry.objects.get(action="retention.closure.add")
    assert entry.detail["school"] == SCHOOL_B and entry.username == "county_admin"


def test_the_closure_command_closes_a_school(county: County) -> None:
    from django.core.management import call_command

    call_command(
        "retention",
        "closure",
        "add",
        "--school",
        SCHOOL_B,
        "--from",
        "2020-12-01",
        "--to",
        "2020-12-02",
        "--reason",
        "供暖故障",
    )
    closure = county.school(SCHOOL_B).closures.get()
    assert (closure.start_date, closure.end_date, closure.reason) == (
        date(2020, 12, 1),
        date(2020, 12, 2),
        "供暖故障",
    )


def test_a_students_figures_count_school_days_absences_and_the_longest_run(
    county: County,
) -> None:
    school_b, officer = county.school(SCHOOL_B), county.user("officer_b")
    wang = county.student("王芳").pk
    for day, status in (
        (date(2020, 11, 2), "unexcused"),
        (date(2020, 11, 3), "unexcused"),
        (date(2020, 11, 5), "unexcused"),
        (date(2020, 11, 6), "sick"),
    ):
        record_absences(school=school_b, date=day, marks={wang: status}, acting_user=officer)
    add_closure(
        school=school_b,
        start_date=date(2020, 11, 4),
        end_date=date(2020, 11, 4),
        reason="停电",
        acting_user=None,
    )
    term = Term.objects.get(code="2020-autumn")
    got = student_attendance(wang, term)
    assert got is not None
    # 2020-09-01..2021-01-31: 104 working days of the holiday calendar, less the closed day
    assert got.school_days == 103
    assert (got.absent_days, got.unexcused_days, got.longest_run) == (4, 3, 3)
    assert got.attendance_rate == pytest.approx(1 - 4 / 103)
    html = county.client("officer_b").get(f"/students/{wang}/").content.decode()
    assert 'id="attendance"' in html and f"{(1 - 4 / 103) * 100:.1f}%" in html
    assert "103" in html
