"""Subcommands of a term: compute, explain, summary, gaps, submit, compile, approve, reopen, adjust."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notoneless.aid import compute, ledger, selectors, workflow
from notoneless.aid.cli.common import (
    add_user,
    named_user,
    reader,
    wan,
    yuan,
)
from notoneless.lib import money as lib_money
from notoneless.registry.choices import Stage
from notoneless.registry.cli import find_student
from notoneless.registry.models import School


def register(sub: Any) -> None:
    p = sub.add_parser("compute", help="work out the term's entitlements (idempotent)")
    p.add_argument("--term", required=True)
    p.add_argument("--snapshot", type=date.fromisoformat, help="snapshot date (first run only)")
    p.add_argument("--json", action="store_true")
    add_user(p)
    p.set_defaults(run=run_compute)

    p = sub.add_parser("explain", help="why each program applies to a student or not")
    p.add_argument("student", help="student number, resident ID or name")
    p.add_argument("--term", required=True)
    add_user(p)
    p.set_defaults(run=run_explain)

    p = sub.add_parser("summary", help="students and amounts per program; totals")
    p.add_argument("--term", required=True)
    p.add_argument("--json", action="store_true")
    p.add_argument("--xlsx", type=Path, metavar="FILE")
    add_user(p)
    p.set_defaults(run=run_summary)

    p = sub.add_parser("ledger", help="台账: one row per student, program and term, to CSV or XLSX")
    p.add_argument("--term")
    p.add_argument("--stage", choices=[str(s) for s in Stage.values])
    p.add_argument("--out", type=Path, required=True, metavar="FILE.csv|FILE.xlsx")
    add_user(p)
    p.set_defaults(run=run_ledger)

    p = sub.add_parser("years", help="amount due and paid per calendar year and program")
    p.add_argument("--json", action="store_true")
    add_user(p)
    p.set_defaults(run=run_years)

    p = sub.add_parser("gaps", help="students who meet a program's conditions but are not paid")
    p.add_argument("--term", required=True)
    p.add_argument("--json", action="store_true")
    add_user(p)
    p.set_defaults(run=run_gaps)

    p = sub.add_parser(
        "submit", help="a school submits its checked list; its notice was posted on --notice-start"
    )
    p.add_argument("--term", required=True)
    p.add_argument("--school", required=True, help="school code")
    p.add_argument("--notice-start", type=date.fromisoformat)
    add_user(p, required=True)
    p.set_defaults(run=run_submit)

    for name, help_text, fn in (
        ("compile", "send the term for approval (all lists submitted)", run_compile),
        ("approve", "approve a compiled term (not by its compiler); freezes it", run_approve),
        ("reopen", "reopen a compiled term that is not approved", run_reopen),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--term", required=True)
        add_user(p, required=True)
        p.set_defaults(run=fn)


def _aid_term(code: str) -> Any:
    aid_term = selectors.aid_term_for(code)
    if aid_term is None:
        raise CommandError(f"term {code} has not been computed / 该学期尚未计算")
    return aid_term


def run_compute(cmd: BaseCommand, options: dict[str, Any]) -> None:
    user = reader(options)
    outcome = compute.compute_term(
        term_code=options["term"], acting_user=user, snapshot_date=options["snapshot"]
    )
    if options["json"]:
        cmd.stdout.write(
            json.dumps(
                {
                    "term": options["term"],
                    "run": outcome.run.number,
                    "students": outcome.students,
                    "added": outcome.added,
                    "removed": outcome.removed,
                    "changed": outcome.changed,
                    "unchanged": outcome.unchanged,
                    "programs": outcome.per_program,
                    "samples": outcome.samples,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    cmd.stdout.write(
        f"{options['term']}: run {outcome.run.number}, {outcome.students:,} students enrolled"
    )
    cmd.stdout.write(
        f"  added {outcome.added:,}, removed {outcome.removed:,}, changed {outcome.changed:,}, "
        f"unchanged {outcome.unchanged:,}"
    )
    for code, stats in outcome.per_program.items():
        over = f"  (+{stats['over_quota']} over quota)" if stats["over_quota"] else ""
        cmd.stdout.write(f"  {code:28} {stats['count']:>8,}  {yuan(stats['fen']):>16} 元{over}")
    for sample in outcome.samples:
        cmd.stdout.write(
            f"  {sample['change']:8} student {sample['student_id']} {sample['name']}: {sample['reason']}"
        )
    if outcome.reopened_schools:
        cmd.stdout.write(
            f"  {outcome.reopened_schools} submitted school lists changed and went back to draft"
        )


def run_explain(cmd: BaseCommand, options: dict[str, Any]) -> None:
    user = reader(options)
    student = find_student(user, options["student"])
    out = selectors.explain(user, student.pk, options["term"])
    cmd.stdout.write(
        f"{student.person.name} ({student.student_number_masked}) — {options['term']}"
        + (" [frozen]" if out.frozen else "")
    )
    if not out.enrolled:
        cmd.stdout.write("  not enrolled in this term / 本学期不在籍")
        return
    for label, value in out.facts.items():
        cmd.stdout.write(f"  {label}: {value}")
    for v in out.verdicts:
        answer = "yes 是" if v.applies else "no 否"
        amount = f", {yuan(v.amount_fen)} 元" if v.amount_fen is not None and v.applies else ""
        status = f" [{v.status}]" if v.status else ""
        cmd.stdout.write(f"{v.name}: {answer}{amount}{status} — {v.reason}")


def run_summary(cmd: BaseCommand, options: dict[str, Any]) -> None:
    result = selectors.summary(reader(options), options["term"])
    if options["xlsx"]:
        write_summary_xlsx(result, options["xlsx"])
    if options["json"]:
        cmd.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        return
    cmd.stdout.write(f"{'program':34} {'students':>9} {'元':>16} {'万元':>10}")
    for p in result.programs:
        cmd.stdout.write(f"{p.name:28} {p.students:>9,} {yuan(p.fen):>16} {wan(p.fen):>10}")
    cmd.stdout.write(
        f"paid to families 发放到家庭 {yuan(result.total('family')):>31} {wan(result.total('family')):>10}"
    )
    cmd.stdout.write(
        f"paid to schools 拨付学校 {yuan(result.total('school')):>33} {wan(result.total('school')):>10}"
    )
    cmd.stdout.write(f"total 合计 {yuan(result.total()):>46} {wan(result.total()):>10}")
    if result.recorded:
        cmd.stdout.write("other agencies, outside the totals 其他部门发放（不计入合计）:")
        for p in result.recorded:
            cmd.stdout.write(
                f"{p.name:28} {p.students:>9,} {yuan(p.fen):>16} {wan(p.fen):>10}  {p.paid_by}"
            )


def write_summary_xlsx(result: selectors.Summary, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("汇总")
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, ["项目", "代码", "人数", "金额（元）", "金额（万元）", "发放对象"])
    row = 1
    for p in result.programs:
        sheet.write_row(row, 0, [p.name, p.code, p.students])
        sheet.write_number(row, 3, float(p.yuan), money)
        sheet.write_number(row, 4, float(p.wan_yuan), money)
        sheet.write(row, 5, "学校" if p.payee == "school" else "家庭")
        row += 1
    for label, fen in (
        ("发放到家庭合计", result.total("family")),
        ("拨付学校合计", result.total("school")),
        ("总计", result.total()),
    ):
        sheet.write(row, 0, label)
        sheet.write_number(row, 3, float(lib_money.yuan(fen)), money)
        sheet.write_number(row, 4, float(lib_money.wan(fen)), money)
        row += 1
    row += 1
    sheet.write(row, 0, "其他部门发放（不计入合计）")
    for p in result.recorded:
        row += 1
        sheet.write_row(row, 0, [p.name, p.code, p.students])
        sheet.write_number(row, 3, float(p.yuan), money)
        sheet.write_number(row, 4, float(p.wan_yuan), money)
        sheet.write(row, 5, p.paid_by)
    book.close()


def run_ledger(cmd: BaseCommand, options: dict[str, Any]) -> None:
    out: Path = options["out"]
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise CommandError(f"{out}: give a .csv or .xlsx file / 请用 .csv 或 .xlsx")
    entitlements = selectors.ledger(
        reader(options), stage=options["stage"], term_code=options["term"]
    )
    rows = ledger.ledger_rows(entitlements.iterator(chunk_size=2000), ledger.all_program_names())
    xlsx = out.suffix.lower() == ".xlsx"
    count = ledger.write_xlsx(rows, str(out)) if xlsx else ledger.write_csv(rows, out)
    cmd.stdout.write(f"{out}: {count:,} rows / 行")


def run_years(cmd: BaseCommand, options: dict[str, Any]) -> None:
    rows = selectors.five_year_view(reader(options))
    if options["json"]:
        cmd.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    cmd.stdout.write(f"{'year':6} {'program':28} {'due 应发 元':>16} {'paid 已发 元':>16}")
    for row in rows:
        cmd.stdout.write(
            f"{row['year']:<6} {row['program']:28} {yuan(row['due_fen']):>16} {yuan(row['paid_fen']):>16}"
        )


def run_gaps(cmd: BaseCommand, options: dict[str, Any]) -> None:
    missed, over = selectors.gaps(reader(options), options["term"])
    if options["json"]:
        cmd.stdout.write(
            json.dumps(
                {
                    "term": options["term"],
                    "missed": [g.__dict__ for g in missed],
                    "not_funded_within_quota": [g.__dict__ for g in over],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    cmd.stdout.write(
        f"{options['term']}: {len(missed):,} missed 应享未享, {len(over):,} not funded within quota 超出名额"
    )
    counts: dict[str, int] = {}
    for g in missed:
        counts[g.reason] = counts.get(g.reason, 0) + 1
    for reason, n in sorted(counts.items(), key=lambda x: -x[1]):
        cmd.stdout.write(f"  {n:>7,}  {reason}")


def run_submit(cmd: BaseCommand, options: dict[str, Any]) -> None:
    school = School.objects.filter(code=options["school"]).first()
    if school is None:
        raise CommandError(f"no school {options['school']} / 没有此学校")
    listing = workflow.submit_school_list(
        aid_term=_aid_term(options["term"]),
        school=school,
        notice_start=options["notice_start"],
        acting_user=named_user(options),
    )
    cmd.stdout.write(f"{school.name}: submitted, notice posted {listing.notice_start}")


def run_compile(cmd: BaseCommand, options: dict[str, Any]) -> None:
    workflow.compile_term(aid_term=_aid_term(options["term"]), acting_user=named_user(options))
    cmd.stdout.write(f"{options['term']}: compiled, awaiting approval / 已汇总，待审批")


def run_approve(cmd: BaseCommand, options: dict[str, Any]) -> None:
    workflow.approve_term(aid_term=_aid_term(options["term"]), acting_user=named_user(options))
    cmd.stdout.write(f"{options['term']}: approved and frozen / 已审批，数据已锁定")


def run_reopen(cmd: BaseCommand, options: dict[str, Any]) -> None:
    workflow.reopen_term(aid_term=_aid_term(options["term"]), acting_user=named_user(options))
    cmd.stdout.write(f"{options['term']}: reopened / 已退回重新办理")
