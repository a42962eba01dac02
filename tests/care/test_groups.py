"""Special groups derived from the registers and corrected by the school, with the reason, audited."""

from __future__ import annotations

import pytest

from notoneless.audit.models import AuditEntry
from notoneless.care.actions import clear_group, set_group
from notoneless.care.errors import CareRefused
from notoneless.care.groups import special_children
from notoneless.care.models import GroupOverride
from notoneless.registry.models import School, Term
from web.county import SCHOOL_A, SCHOOL_B

pytestmark = pytest.mark.django_db


def groups_of(school_code: str) -> dict[str, list[str]]:
    frame = special_children(
        Term.objects.get(code="2020-autumn"), School.objects.filter(code=school_code)
    )
    return {r["name"]: sorted(r["groups"]) for r in frame.iter_rows(named=True)}


def test_groups_are_derived_from_the_poverty_register_and_the_person_flags(care):
    assert groups_of(SCHOOL_A) == {
        "张伟": ["registered_poor"],  # household registered
        "马小龙": ["left_behind"],
        "高小红": ["left_behind"],
        "杨小军": ["single_parent"],
        "吴小梅": ["left_behind"],
    }
    # 王芳's household exited poverty (still counted), 赵磊's is registered, 刘洋 is in no group
    assert groups_of(SCHOOL_B) == {"王芳": ["registered_poor"], "赵磊": ["registered_poor"]}


def test_a_school_adds_and_removes_a_group_with_a_reason_and_it_is_audited(care):
    officer = care.user("officer_a")
    set_group(
        person=care.person("郑小刚"),
        group="disabled",
        include=True,
        reason="视力残疾，证明已核",
        acting_user=officer,
    )
    set_group(
        person=care.person("马小龙"),
        group="left_behind",
        include=False,
        reason="父母已返乡",
        acting_user=officer,
    )
    set_group(
        person=care.person("张伟"),
        group="orphan",
        include=True,
        reason="父亲去世，母亲改嫁",
        acting_user=officer,
    )
    groups = groups_of(SCHOOL_A)
    assert groups["郑小刚"] == ["disabled"]
    assert "马小龙" not in groups
    assert groups["张伟"] == ["orphan", "registered_poor"]  # a child can be in several
    entry = AuditEntry.objects.filter(action="care.group").order_by("pk").first()
    assert entry is not None and entry.username == "officer_a"
    assert entry.detail == {
        "group": "disabled",
        "include": True,
        "reason": "视力残疾，证明已核",
        "school": SCHOOL_A,
    }

    clear_group(person=care.person("马小龙"), group="left_behind", acting_user=officer)
    assert groups_of(SCHOOL_A)["马小龙"] == ["left_behind"]
    assert AuditEntry.objects.filter(action="care.group_cleared").count() == 1


def test_a_correction_without_a_reason_is_refused_and_changes_nothing(care):
    with pytest.raises(CareRefused, match="reason"):
        set_group(
            person=care.person("郑小刚"),
            group="disabled",
            include=True,
            reason="  ",
            acting_user=care.user("officer_a"),
        )
    assert not GroupOverride.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="care.").exists()


def test_another_schools_officer_and_a_teacher_cannot_correct_groups(care):
    with pytest.raises(CareRefused, match="not a pupil of your school"):
        set_group(
            person=care.person("张伟"),
            group="orphan",
            include=True,
            reason="x",
            acting_user=care.user("officer_b"),
        )
    with pytest.raises(CareRefused, match="cannot manage"):
        set_group(
            person=care.person("张伟"),
            group="orphan",
            include=True,
            reason="x",
            acting_user=care.user("teacher_a"),
        )
    assert not GroupOverride.objects.exists()
