"""The schools area's reports as official Excel tables (``lib/sheets``): balance indicators with the
county's spread, staffing, projects, training and honours, and an itinerant plan. The web's downloads
and the CLI's ``--xlsx`` write the same tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from notoneless.lib.money import wan
from notoneless.lib.sheets import Column, Table, write_workbook
from notoneless.schools.balance import BalanceReport
from notoneless.schools.models import (
    FundingSource,
    HonourKind,
    HonourLevel,
    ItinerantPlan,
    PlannedLesson,
    Project,
    ProjectKind,
    ProjectStatus,
    RecruitmentChannel,
    UncoveredLesson,
)
from notoneless.schools.projects import GROUP_LABELS, ProjectTotals
from notoneless.schools.staffing import StaffingReport
from notoneless.schools.training import TrainingReport

__all__ = [
    "balance_tables",
    "plan_tables",
    "project_tables",
    "staffing_tables",
    "training_tables",
    "write",
]

STAGES = {"primary": "小学", "junior": "初中", "senior": "高中"}
NOT_ASSESSED = {
    "": "",
    "out_of_scope": "不在评估范围",
    "small_teaching_point": "规模较小的教学点，不参评",
    "no_conditions": "缺少本年度办学条件",
}
DAYS = "一二三四五六日"


def write(target: str | IO[bytes], tables: list[Table]) -> None:
    write_workbook(target, tables)


def _r(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def balance_tables(report: BalanceReport) -> list[Table]:
    rules = report.rules
    indicators = rules.indicators
    columns = [
        Column("学校标识码", width=12),
        Column("学校名称", width=24),
        Column("乡镇", width=12),
        Column("学段", width=6),
        Column("在校生", "int", "人", 8),
        *(Column(i.label, "decimal", i.unit, 14) for i in indicators),
        Column("达标项数", "int", width=8),
        Column("是否达标", width=8),
        Column("说明", width=24),
    ]
    rows = [
        [
            r["code"],
            r["name"],
            r["township"],
            STAGES.get(r["stage"], r["stage"]),
            r["students"],
            *(_r(r[i.key]) for i in indicators),
            r["met"],
            "是" if r["passes"] else "否",
            NOT_ASSESSED.get(r["not_assessed_reason"], r["not_assessed_reason"]),
        ]
        for r in report.parts.to_dicts()
    ]
    schools = Table(
        sheet="学校指标",
        title=f"{report.year}年义务教育学校资源配置指标",
        note=f"依据：{rules.source}；每校至少{rules.min_met}项达标，余项不低于标准的"
        f"{rules.rest_at_least:.0%}",
        columns=columns,
        rows=rows,
    )
    cv_rows = [
        [
            STAGES.get(c.stage, c.stage),
            c.label,
            c.schools,
            c.students,
            _r(c.mean),
            _r(c.cv, 3),
            c.limit,
            "" if c.within is None else ("是" if c.within else "否"),
            "；".join(
                f"{p.name}（{_r(p.value)}，占{p.share:.0%}，剔除后{_r(p.cv_without, 3)}）"
                for p in c.pullers
            ),
        ]
        for c in report.cv
    ]
    spread = Table(
        sheet="校际差异系数",
        title=f"{report.year}年县域义务教育校际差异系数",
        note="差异系数按在校生数加权；“拉高差异的学校”为对加权方差贡献最大的学校",
        columns=[
            Column("学段", width=6),
            Column("指标", width=30),
            Column("学校数", "int", "所", 8),
            Column("在校生", "int", "人", 10),
            Column("县均值", "decimal", width=10),
            Column("差异系数", "decimal", width=10),
            Column("标准", "decimal", width=8),
            Column("是否达标", width=8),
            Column("拉高差异的学校", width=60),
        ],
        rows=cv_rows,
    )
    return [schools, spread]


def staffing_tables(report: StaffingReport) -> list[Table]:
    schools = Table(
        sheet="编制与缺员",
        title=f"{report.term}学期教师编制与缺员",
        note=f"依据：{report.rules.source}",
        columns=[
            Column("学校标识码", width=12),
            Column("学校名称", width=24),
            Column("乡镇", width=12),
            Column("在校生", "int", "人", 8),
            Column("班级", "int", "个", 6),
            Column("在岗教师", "int", "人", 8),
            Column("按生师比应配", "decimal", "人", 10),
            Column("应配", "decimal", "人", 8),
            Column("缺员", "int", "人", 6),
        ],
        rows=[
            [
                r["code"],
                r["name"],
                r["township"],
                r["students"],
                r["classes"],
                r["teachers"],
                _r(r["by_ratio"]),
                _r(r["required"]),
                r["vacancies"],
            ]
            for r in report.schools.to_dicts()
        ],
        totals=[
            "合计",
            "",
            "",
            report.totals()["students"],
            None,
            report.totals()["teachers"],
            None,
            report.totals()["required"],
            report.totals()["vacancies"],
        ],
    )
    subjects = Table(
        sheet="薄弱学科",
        title=f"{report.term}学期音体美信息等学科课时与师资",
        columns=[
            Column("学校标识码", width=12),
            Column("学校名称", width=24),
            Column("乡镇", width=12),
            Column("学科", width=8),
            Column("每周应开课时", "int", "节", 10),
            Column("本校可承担", "decimal", "节", 10),
            Column("未覆盖课时", "int", "节", 10),
            Column("应配专任教师", "decimal", "人", 10),
            Column("现有专任教师", "decimal", "人", 10),
            Column("缺口", "decimal", "人", 8),
        ],
        rows=[
            [
                r["code"],
                r["name"],
                r["township"],
                r["subject"],
                r["needed"],
                _r(r["capacity"]),
                r["open_lessons"],
                _r(r["needed_fte"]),
                _r(r["specialists"]),
                _r(r["shortfall_fte"]),
            ]
            for r in report.subjects.to_dicts()
        ],
    )
    return [schools, subjects]


def project_tables(projects: Iterable[Project], totals: ProjectTotals) -> list[Table]:
    per_year = Table(
        sheet="分年度投入",
        title="项目建设与设施设备投入（分年度）",
        note=totals.sentence(),
        columns=[
            Column("年度", width=8),
            *(
                col
                for label in GROUP_LABELS.values()
                for col in (
                    Column(f"{label}·项目数", "int", "个", 12),
                    Column(f"{label}·已完成投资", "money", "万元", 16),
                )
            ),
        ],
        rows=[
            [
                y.year,
                *(
                    v
                    for group in GROUP_LABELS
                    for v in (y.projects[group], wan(y.spent_fen[group]))
                ),
            ]
            for y in totals.years
        ],
        totals=[
            "合计",
            *(v for group in GROUP_LABELS for v in (totals.count(group), wan(totals.group(group)))),
        ],
    )
    rows = [
        [
            p.code,
            p.name,
            ProjectKind(p.kind).label,
            p.school.name if p.school else "全县",
            FundingSource(p.funding_source).label,
            p.year,
            wan(p.budget_fen),
            wan(p.spent_fen),
            ProjectStatus(p.status).label,
            p.start_date.isoformat() if p.start_date else "",
            p.end_date.isoformat() if p.end_date else "",
        ]
        for p in projects
    ]
    listing = Table(
        sheet="项目清单",
        title="项目清单",
        columns=[
            Column("项目编号", width=14),
            Column("项目名称", width=36),
            Column("类别", width=12),
            Column("学校", width=24),
            Column("资金来源", width=10),
            Column("年度", width=6),
            Column("总投资", "money", "万元", 12),
            Column("已完成投资", "money", "万元", 12),
            Column("状态", width=8),
            Column("开工日期", width=12),
            Column("完工日期", width=12),
        ],
        rows=rows,
    )
    return [per_year, listing]


def training_tables(report: TrainingReport) -> list[Table]:
    years = Table(
        sheet="培训",
        title="教师培训情况",
        note=f"目标：每位教师完成{report.rules.target_rounds}轮培训（每轮不少于"
        f"{report.rules.hours_per_round}学时）；教师{report.teachers}人，人均"
        f"{report.mean_rounds:.2f}轮，达到目标{report.at_target}人",
        columns=[
            Column("年度", width=8),
            Column("培训人次", "int", "人次", 10),
            Column("参训教师", "int", "人", 10),
            Column("学时", "int", "学时", 10),
        ],
        rows=[[r["year"], r["person_times"], r["teachers"], r["hours"]] for r in report.per_year],
        totals=["合计", report.person_times, None, sum(r["hours"] for r in report.per_year)],
    )
    rounds = Table(
        sheet="培训轮次",
        title="教师完成培训轮次分布",
        columns=[Column("完成轮次", "int", "轮", 10), Column("教师", "int", "人", 10)],
        rows=[[r["rounds"], r["teachers"]] for r in report.rounds],
        totals=["合计", report.teachers],
    )
    honours = Table(
        sheet="荣誉",
        title="名校长、名教师、名班主任、师德标兵、骨干教师",
        columns=[
            Column("年度", width=8),
            Column("荣誉", width=14),
            Column("级别", width=8),
            Column("人数", "int", "人", 8),
        ],
        rows=[
            [r["year"], HonourKind(r["kind"]).label, HonourLevel(r["level"]).label, r["count"]]
            for r in report.honours
        ],
        totals=["合计", "", "", sum(report.honour_totals.values())],
    )
    recruitment = Table(
        sheet="教师补充",
        title="教师补充（校园招聘、特岗教师等）",
        columns=[Column("年度", width=8), Column("渠道", width=14), Column("人数", "int", "人", 8)],
        rows=[
            [r["year"], RecruitmentChannel(r["channel"]).label, r["hired"]]
            for r in report.recruitment
        ],
        totals=["合计", "", report.recruited],
    )
    return [years, rounds, honours, recruitment]


def plan_tables(
    plan: ItinerantPlan,
    townships: list[dict[str, object]],
    lessons: Iterable[PlannedLesson],
    uncovered: Iterable[UncoveredLesson],
) -> list[Table]:
    coverage = Table(
        sheet="各乡镇覆盖",
        title=f"{plan.term.code}学期走教计划：各乡镇覆盖情况",
        note=f"求解状态：{plan.status}，最优性差距{float(plan.gap):.2%}，用时{plan.wall_seconds}秒",
        columns=[
            Column("乡镇", width=12),
            Column("需走教课时", "int", "节/周", 12),
            Column("已安排", "int", "节/周", 10),
            Column("未覆盖", "int", "节/周", 10),
            Column("覆盖率", "percent", width=8),
            Column("走教教师", "int", "人", 8),
            Column("行程", "int", "次/周", 8),
            Column("路程", "int", "分钟/周", 10),
        ],
        rows=[
            [
                t["township"],
                t["demanded"],
                t["covered"],
                t["uncovered"],
                t["coverage"],
                t["teachers"],
                t["trips"],
                t["travel_minutes"],
            ]
            for t in townships
        ],
        totals=[
            "合计",
            plan.demanded,
            plan.covered,
            plan.demanded - plan.covered,
            None,
            None,
            plan.trips,
            plan.travel_minutes,
        ],
    )
    timetable = Table(
        sheet="课表",
        title="走教课表",
        columns=[
            Column("教师", width=10),
            Column("所在学校", width=24),
            Column("星期", width=6),
            Column("节次", "int", width=6),
            Column("走教学校", width=24),
            Column("年级", "int", width=6),
            Column("班级", width=8),
            Column("学科", width=8),
        ],
        rows=[
            [
                x.teacher.name,
                x.teacher.school.name,
                f"星期{DAYS[x.day - 1]}",
                x.period,
                x.school.name,
                x.grade,
                x.class_name,
                x.subject,
            ]
            for x in lessons
        ],
    )
    open_rows = Table(
        sheet="未覆盖课时",
        title="未覆盖的课时及原因",
        columns=[
            Column("学校", width=24),
            Column("年级", "int", width=6),
            Column("班级", width=8),
            Column("学科", width=8),
            Column("课时", "int", "节/周", 8),
            Column("原因", width=60),
        ],
        rows=[
            [u.school.name, u.grade, u.class_name, u.subject, u.lessons, u.detail]
            for u in uncovered
        ],
    )
    return [coverage, timetable, open_rows]
