"""The writes of the schools area typed by hand (imports write in bulk through the import engine): a
school's conditions for a year and a project. Each checks the user may act and the values make
sense, refuses with a message naming the field and changes nothing when it refuses, saves only if
nobody else saved the record since it was read (``version``), and writes one audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from notoneless.audit.actions import record
from notoneless.registry.models import School
from notoneless.registry.selectors import schools_for
from notoneless.schools.access import may_edit_conditions, may_manage_schools
from notoneless.schools.errors import SchoolsRefused
from notoneless.schools.models import (
    Conditions,
    FundingSource,
    Project,
    ProjectKind,
    ProjectStatus,
)

__all__ = ["ConditionsValues", "ProjectValues", "StaleRecord", "save_conditions", "save_project"]

COUNT_FIELDS = (
    "multimedia_classrooms",
    "books",
    "computers",
    "specialist_rooms",
    "remote_classrooms",
)


class StaleRecord(SchoolsRefused):
    """Someone saved the record after this form was opened: nothing saved, reload and redo."""


@dataclass(frozen=True)
class ConditionsValues:
    teaching_floor_m2: Decimal
    sports_ground_m2: Decimal
    equipment_value_fen: int
    multimedia_classrooms: int
    books: int = 0
    computers: int = 0
    specialist_rooms: int = 0
    remote_classrooms: int = 0

    def check(self) -> None:
        for name in ("teaching_floor_m2", "sports_ground_m2", "equipment_value_fen", *COUNT_FIELDS):
            if getattr(self, name) < 0:
                raise SchoolsRefused(f"{name}: 不能为负数 / cannot be negative")

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _stale(model: str, obj: Any) -> StaleRecord:
    who = obj.updated_by.username if getattr(obj, "updated_by", None) else "—"
    when = timezone.localtime(obj.updated_at).strftime("%Y-%m-%d %H:%M")
    return StaleRecord(
        f"{model}已被{who}于{when}修改，未保存：请重新打开后再改 / the record was changed by {who} "
        f"at {when} after you opened it: nothing saved, open it again"
    )


def _audit_value(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal | date) else value


def save_conditions(
    *,
    school: School,
    year: int,
    values: ConditionsValues,
    version: int | None,
    acting_user: Any,
) -> Conditions:
    """Create (``version`` None) or update (``version`` as read) one school's conditions of a year.
    The selector has already checked the school is in the user's scope."""
    if not may_edit_conditions(acting_user):
        raise SchoolsRefused("无权修改办学条件 / this role cannot edit school conditions")
    if (
        not may_manage_schools(acting_user)
        and not schools_for(acting_user).filter(pk=school.pk).exists()
    ):
        raise SchoolsRefused(
            "只能修改本校的办学条件 / you may edit your own school's conditions only"
        )
    if not 2000 <= year <= 2100:
        raise SchoolsRefused("year: 年度应为四位年份 / year must be a four-digit year")
    values.check()
    user = acting_user if getattr(acting_user, "pk", None) else None
    with transaction.atomic():
        current = Conditions.objects.filter(school=school, year=year).first()
        before = {k: _audit_value(getattr(current, k)) for k in values.as_dict()} if current else {}
        if current is None:
            if version is not None:
                raise SchoolsRefused(
                    "此年度的记录已不存在，请重新打开 / the record is gone: open it again"
                )
            try:
                with transaction.atomic():
                    saved = Conditions.objects.create(
                        school=school, year=year, updated_by=user, **values.as_dict()
                    )
            except IntegrityError:
                raise _stale("办学条件", Conditions.objects.get(school=school, year=year)) from None
        else:
            changed = Conditions.objects.filter(pk=current.pk, version=version or 0).update(
                **values.as_dict(),
                version=F("version") + 1,
                updated_by=user,
                updated_at=timezone.now(),
            )
            if not changed:
                raise _stale("办学条件", current)
            saved = Conditions.objects.get(pk=current.pk)
        record(
            "schools.conditions",
            acting_user=acting_user,
            object_type="Conditions",
            object_id=saved.pk,
            detail={
                "school": school.code,
                "year": year,
                "before": before,
                "after": {k: _audit_value(v) for k, v in values.as_dict().items()},
            },
        )
    return saved


@dataclass(frozen=True)
class ProjectValues:
    code: str
    name: str
    kind: str
    school: School | None
    funding_source: str
    year: int
    budget_fen: int
    spent_fen: int
    status: str
    start_date: date | None = None
    end_date: date | None = None
    notes: str = ""

    def check(self) -> None:
        if not self.code.strip() or len(self.code) > 40:
            raise SchoolsRefused("code: 项目编号为1-40个字符 / project number: 1-40 characters")
        if not self.name.strip() or len(self.name) > 200:
            raise SchoolsRefused("name: 项目名称为1-200个字符 / name: 1-200 characters")
        for field, choices in (
            ("kind", ProjectKind.values),
            ("funding_source", FundingSource.values),
            ("status", ProjectStatus.values),
        ):
            if getattr(self, field) not in choices:
                raise SchoolsRefused(f"{field}: 未知的取值 / unknown value")
        if not 2000 <= self.year <= 2100:
            raise SchoolsRefused("year: 年度应为四位年份 / year must be a four-digit year")
        if self.budget_fen < 0 or self.spent_fen < 0:
            raise SchoolsRefused("budget: 金额不能为负数 / amounts cannot be negative")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise SchoolsRefused("end_date: 完工日期早于开工日期 / end date before start date")

    def fields(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def save_project(
    *, project: Project | None, values: ProjectValues, version: int | None, acting_user: Any
) -> Project:
    """Create (``project`` None) or update a project; the county administrator's action."""
    if not may_manage_schools(acting_user):
        raise SchoolsRefused("无权管理项目 / this role cannot manage projects")
    values.check()
    user = acting_user if getattr(acting_user, "pk", None) else None
    clash = Project.objects.filter(code=values.code)
    if project is not None:
        clash = clash.exclude(pk=project.pk)
    if clash.exists():
        raise SchoolsRefused(
            f"code: 项目编号{values.code}已存在 / project number {values.code} exists"
        )
    with transaction.atomic():
        before: dict[str, Any] = {}
        if project is None:
            saved = Project.objects.create(updated_by=user, **values.fields())
        else:
            before = {
                k: _audit_value(getattr(project, k)) for k in values.fields() if k != "school"
            }
            changed = Project.objects.filter(pk=project.pk, version=version or 0).update(
                **values.fields(),
                version=F("version") + 1,
                updated_by=user,
                updated_at=timezone.now(),
            )
            if not changed:
                raise _stale("项目", Project.objects.get(pk=project.pk))
            saved = Project.objects.get(pk=project.pk)
        after = {k: _audit_value(v) for k, v in values.fields().items() if k != "school"}
        record(
            "schools.project",
            acting_user=acting_user,
            object_type="Project",
            object_id=saved.pk,
            detail={
                "school": values.school.code if values.school else "",
                "before": before,
                "after": after,
            },
        )
    return saved
