"""The coverage report per school and township, its figures checked against independent ORM counts of
the records, on the page and from ``notoneless care coverage --json``."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from notoneless.care.actions import log_support, pair, set_group
from notoneless.care.coverage import coverage
from notoneless.care.models import Pairing, SupportEntry
from notoneless.registry.models import Enrollment, Person
from web.county import SCHOOL_A, SCHOOL_B, TOWNSHIP_A, TOWNSHIP_B

pytestmark = pytest.mark.django_db
SEPT = date(2020, 9, 1)


@pytest.fixture
def worked(care):
    """Pairs in both schools; some contacted in October or November, one paired late, one unpaired."""
    officer_a, officer_b = care.user("officer_a"), care.user("officer_b")
    set_group(
        person=care.person("马小龙"),
        group="left_behind",
        include=False,
        reason="父母已返乡",
        acting_user=officer_a,
    )
    pairs = {
        "张伟": pair(
            person=care.person("张伟"),
            teacher=care.teacher("王老师"),
            acting_user=officer_a,
            started_on=SEPT,
        ),
        "高小红": pair(
            person=care.person("高小红"),
            teacher=care.teacher("陈老师"),
            acting_user=officer_a,
            started_on=SEPT,
        ),
        "杨小军": pair(
            person=care.person("杨小军"),
            teacher=care.teacher("周老师"),
            acting_user=officer_a,
            started_on=date(2020, 11, 3),
        ),
        "王芳": pair(
            person=care.person("王芳"),
            teacher=care.teacher("孙老师"),
            acting_user=officer_b,
            started_on=SEPT,
        ),
    }
    # a second helper for 张伟 (many-to-one): the child counts once
    pair(
        person=care.person("张伟"),
        teacher=care.teacher("陈老师"),
        acting_user=officer_a,
        started_on=SEPT,
    )
    log_support(
        pairing=pairs["张伟"],
        kind="home_visit",
        on=date(2020, 10, 9),
        notes="",
        acting_user=care.user("teacher_a"),
    )
    log_support(
        pairing=pairs["张伟"],
        kind="study_help",
        on=date(2020, 11, 20),
        notes="",
        acting_user=care.user("teacher_a"),
    )
    log_support(
        pairing=pairs["高小红"],
        kind="motivation",
        on=date(2020, 11, 2),
        notes="",
        acting_user=care.teacher_account("陈老师"),
    )
    log_support(
        pairing=pairs["王芳"],
        kind="material_aid",
        on=date(2020, 10, 20),
        notes="",
        acting_user=care.teacher_account("孙老师"),
    )
    return pairs


def orm_counts(school_code: str, first: date, last: date) -> dict[str, int]:
    """The same figures counted straight from the tables, independently of the report's code."""
    enrolled = Person.objects.filter(
        student__enrollments__term__code="2020-autumn",
        student__enrollments__school__code=school_code,
    ).exclude(student__enrollments__status__in=["transferred", "graduated"])
    poor = Q(household__poverty_status__in=["registered", "exited"]) | Q(
        povertymember__isnull=False
    )
    special = set()
    for person in enrolled.distinct():
        removed = set(person.care_overrides.filter(include=False).values_list("group", flat=True))
        added = person.care_overrides.filter(include=True).exists()
        groups = {
            g
            for g, on in [
                ("registered_poor", Person.objects.filter(poor, pk=person.pk).exists()),
                ("single_parent", person.single_parent),
                ("orphan", person.orphan),
                ("left_behind", person.left_behind),
                ("disabled", person.disabled or person.disabilityrecord_set.exists()),
            ]
            if on
        } - removed
        if groups or added:
            special.add(person.pk)
    active = Pairing.objects.filter(person_id__in=special, started_on__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=last)
    )
    paired = set(active.values_list("person_id", flat=True))
    contacted = set(
        SupportEntry.objects.filter(pairing__in=active, on__gte=first, on__lte=last).values_list(
            "person_id", flat=True
        )
    )
    return {"special": len(special), "paired": len(paired), "contacted": len(contacted)}


def test_the_figures_agree_with_the_records(care, worked):
    report = coverage(care.user("county_admin"), "2020-11")
    rows = {r.code: r for r in report.schools}
    for code in (SCHOOL_A, SCHOOL_B):
        figures = {f: getattr(rows[code], f) for f in ("special", "paired", "contacted")}
        assert figures == orm_counts(code, date(2020, 11, 1), date(2020, 11, 30)), code
    a = rows[SCHOOL_A]
    # 张伟, 高小红, 杨小军, 吴小梅 (马小龙 taken out); 3 paired; 张伟 and 高小红 contacted in November
    assert (a.special, a.paired, a.contacted) == (4, 3, 2)
    # overdue on 30 November: 张伟 had contacts from 王老师 but none ever from 陈老师, his second
    # helper; 高小红 had none in October but made up for it on 2 November; 杨小军 was paired in
    # November (not yet due)
    assert a.overdue == 1
    b = rows[SCHOOL_B]
    assert (b.special, b.paired, b.contacted, b.overdue) == (
        2,
        1,
        0,
        0,
    )  # 王芳 contacted in October
    towns = {t.code: t for t in report.townships}
    assert towns[TOWNSHIP_A].special == rows[SCHOOL_A].special + rows["6108020002"].special
    assert towns[TOWNSHIP_B].special == 2
    assert report.total.special == sum(r.special for r in report.schools) == 6
    assert report.as_of == date(2020, 11, 30) and report.term == "2020-autumn"


def test_a_school_officer_sees_only_the_schools_figures(care, worked):
    report = coverage(care.user("officer_b"), "2020-11")
    assert [r.code for r in report.schools] == [SCHOOL_B]
    assert report.total.special == 2


def test_the_cli_prints_the_report_as_json(care, worked):
    out = StringIO()
    call_command("care", "coverage", "--month", "2020-11", "--json", stdout=out)
    data = json.loads(out.getvalue())
    schools = {r["code"]: r for r in data["schools"]}
    assert {k: schools[SCHOOL_A][k] for k in ("special", "paired", "contacted", "overdue")} == {
        "special": 4,
        "paired": 3,
        "contacted": 2,
        "overdue": 1,
    }
    assert data["total"]["special"] == 6 and data["month"] == "2020-11"
    assert data["as_of"] == "2020-11-30"


def test_a_bad_month_is_refused_with_a_clear_message(care):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="month"):
        call_command("care", "coverage", "--month", "2020-13", stdout=StringIO())


def test_the_index_page_shows_the_coverage(care, worked):
    response = care.county.client("township_a").get(reverse("care_index"), {"month": "2020-11"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="special">4<' in html  # township A: 鱼河镇中心小学 and its teaching point
    assert 'data-figure="paired">3<' in html
    assert 'data-figure="overdue">1<' in html
    assert Enrollment.objects.exists()
