"""Pairing helpers with children: one-to-one and many-to-one, the load limit and the school as refusals,
the suggestion (balanced, class teachers first) and its confirmation, all or nothing."""

from __future__ import annotations

from datetime import date

import pytest

from notoneless.audit.models import AuditEntry
from notoneless.care import selectors
from notoneless.care.actions import confirm_pairings, end_pairing, pair, set_group
from notoneless.care.care_rules import default_rules
from notoneless.care.errors import CareRefused
from notoneless.care.models import Pairing
from notoneless.care.pairing import Child, Helper, suggest
from notoneless.registry.models import School
from web.county import SCHOOL_A

pytestmark = pytest.mark.django_db
DAY = date(2020, 9, 1)


def test_a_child_can_have_one_helper_or_several(care):
    officer = care.user("officer_a")
    first = pair(
        person=care.person("张伟"),
        teacher=care.teacher("王老师"),
        acting_user=officer,
        started_on=DAY,
    )
    second = pair(
        person=care.person("张伟"),
        teacher=care.teacher("陈老师"),
        acting_user=officer,
        started_on=DAY,
    )
    assert {p.teacher.name for p in Pairing.objects.filter(person=care.person("张伟"))} == {
        "王老师",
        "陈老师",
    }
    assert first.school.code == second.school.code == SCHOOL_A
    assert AuditEntry.objects.filter(action="care.pair").count() == 2
    with pytest.raises(CareRefused, match="already helps"):
        pair(
            person=care.person("张伟"),
            teacher=care.teacher("王老师"),
            acting_user=officer,
            started_on=DAY,
        )


def test_a_teacher_of_another_school_is_refused(care):
    with pytest.raises(CareRefused, match="does not teach at 鱼河镇中心小学"):
        pair(
            person=care.person("张伟"),
            teacher=care.teacher("孙老师"),
            acting_user=care.user("officer_a"),
        )
    assert not Pairing.objects.exists()


def test_a_teacher_over_the_load_limit_is_refused(care):
    officer = care.user("officer_a")
    limit = default_rules().load_limit
    assert limit == 5
    children = ["张伟", "马小龙", "高小红", "杨小军", "吴小梅"]
    for name in children:
        pair(
            person=care.person(name),
            teacher=care.teacher("周老师"),
            acting_user=officer,
            started_on=DAY,
        )
    set_group(
        person=care.person("郑小刚"),
        group="left_behind",
        include=True,
        reason="父母外出务工",
        acting_user=officer,
    )
    with pytest.raises(CareRefused, match="already helps 5 children, the limit is 5"):
        pair(
            person=care.person("郑小刚"),
            teacher=care.teacher("周老师"),
            acting_user=officer,
            started_on=DAY,
        )
    assert Pairing.objects.filter(teacher=care.teacher("周老师")).count() == 5
    # an ended pairing frees the place
    ended = Pairing.objects.get(person=care.person("张伟"))
    end_pairing(pairing=ended, ended_on=date(2020, 10, 1), reason="转学", acting_user=officer)
    pair(
        person=care.person("郑小刚"),
        teacher=care.teacher("周老师"),
        acting_user=officer,
        started_on=DAY,
    )


def test_a_child_in_no_group_is_not_paired(care):
    with pytest.raises(CareRefused, match="in no special group"):
        pair(
            person=care.person("郑小刚"),
            teacher=care.teacher("王老师"),
            acting_user=care.user("officer_a"),
        )


def test_the_suggestion_prefers_class_teachers_and_balances_load(care):
    school = School.objects.get(code=SCHOOL_A)
    plan = selectors.suggestion(care.user("officer_a"), school, DAY)
    chosen = {p.name: (p.teacher.name, p.class_teacher) for p in plan.proposals}
    assert set(chosen) == {"张伟", "马小龙", "高小红", "杨小军", "吴小梅"}
    # 二年级2班 (张伟, 马小龙, 高小红, 杨小军) has 王老师 as head teacher: the class teacher is kept until
    # it carries more than `class_teacher_preference` (2) children beyond a colleague
    by_teacher: dict[str, int] = {}
    for teacher, _ in chosen.values():
        by_teacher[teacher] = by_teacher.get(teacher, 0) + 1
    assert chosen["吴小梅"][1] is False  # 1班 has no head teacher in the table
    assert sum(1 for _, mine in chosen.values() if mine) == 3
    assert max(by_teacher.values()) - min(by_teacher.values()) <= 2
    assert by_teacher["王老师"] == 3
    assert plan.unplaced == []


def test_the_greedy_suggestion_is_least_loaded_without_class_teachers():
    helpers = [Helper(1, 2), Helper(2, 0), Helper(3, 1)]
    proposals, unplaced = suggest([Child(i) for i in range(10, 17)], helpers, limit=4, preference=2)
    loads = {1: 2, 2: 0, 3: 1}
    for p in proposals:
        loads[p.teacher_id] += 1
    assert loads == {1: 4, 2: 3, 3: 3}  # 7 children: the lowest possible highest load
    assert unplaced == []
    _, unplaced = suggest([Child(i) for i in range(20)], helpers, limit=4, preference=2)
    assert len(unplaced) == 20 - (12 - 3)


def test_the_officer_confirms_the_suggestion_and_the_pairs_are_made(care):
    officer = care.user("officer_a")
    school = School.objects.get(code=SCHOOL_A)
    plan = selectors.suggestion(officer, school, DAY)
    made = confirm_pairings(
        school=school,
        proposals=[(p.person_id, p.teacher.pk) for p in plan.proposals],
        acting_user=officer,
        started_on=DAY,
    )
    assert len(made) == 5 == Pairing.objects.count()
    assert AuditEntry.objects.filter(action="care.pairings_confirmed").count() == 1
    assert selectors.suggestion(officer, school, DAY).proposals == []


def test_a_confirmation_with_one_bad_pairing_makes_none(care):
    officer = care.user("officer_a")
    school = School.objects.get(code=SCHOOL_A)
    good = (care.person("张伟").pk, care.teacher("王老师").pk)
    bad = (care.person("马小龙").pk, care.teacher("孙老师").pk)
    with pytest.raises(CareRefused, match="孙老师 does not teach"):
        confirm_pairings(school=school, proposals=[good, bad], acting_user=officer, started_on=DAY)
    assert not Pairing.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="care.").exists()


def test_an_officer_of_another_school_cannot_confirm(care):
    school = School.objects.get(code=SCHOOL_A)
    with pytest.raises(CareRefused, match="not your school"):
        confirm_pairings(
            school=school,
            proposals=[(care.person("张伟").pk, care.teacher("王老师").pk)],
            acting_user=care.user("officer_b"),
        )
