"""Subcommands of payments: batch, export, reconcile, batches, lines, unpaid, school-account, discard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notoneless.aid import payments, selectors
from notoneless.aid.bankfiles import FORMATS
from notoneless.aid.cli.common import add_user, named_user, reader, yuan
from notoneless.aid.models import Payee
from notoneless.registry.models import School


def register(sub: Any) -> None:
    p = sub.add_parser("batch", help="a payment batch of the approved term's due entitlements")
    p.add_argument("--term", required=True)
    p.add_argument("--payee", required=True, choices=[Payee.FAMILY, Payee.SCHOOL])
    add_user(p, required=True)
    p.set_defaults(run=run_batch)

    p = sub.add_parser("export", help="write a batch's bank file (full card numbers: audited)")
    p.add_argument("batch", help="batch number, e.g. 2020-autumn-F-001")
    p.add_argument("--out", required=True, type=Path, metavar="FILE")
    p.add_argument("--format", choices=FORMATS, help="default: from --out's suffix, else xlsx")
    p.add_argument("--layout", help="bank layout in aid/layouts (default bank-default)")
    add_user(p, required=True)
    p.set_defaults(run=run_export)

    p = sub.add_parser("reconcile", help="read the bank's return file of a batch")
    p.add_argument("batch")
    p.add_argument("file", type=Path)
    add_user(p, required=True)
    p.set_defaults(run=run_reconcile)

    p = sub.add_parser("batches", help="the term's payment batches and their state")
    p.add_argument("--term", required=True)
    add_user(p)
    p.set_defaults(run=run_batches)

    p = sub.add_parser("lines", help="a batch's lines (masked card numbers)")
    p.add_argument("batch")
    add_user(p)
    p.set_defaults(run=run_lines)

    p = sub.add_parser(
        "unpaid", help="entitled but without a usable account, or failed and not yet corrected"
    )
    p.add_argument("--term", required=True)
    add_user(p)
    p.set_defaults(run=run_unpaid)

    p = sub.add_parser("school-account", help="the account a school's waivers are paid to")
    p.add_argument("school", help="school code")
    p.add_argument("--bank", required=True)
    p.add_argument("--name", required=True, help="account name (户名)")
    p.add_argument("--number", required=True, help="account number")
    add_user(p, required=True)
    p.set_defaults(run=run_school_account)

    p = sub.add_parser("discard-batch", help="delete a batch not yet exported")
    p.add_argument("batch")
    add_user(p, required=True)
    p.set_defaults(run=run_discard)


def _aid_term(code: str) -> Any:
    aid_term = selectors.aid_term_for(code)
    if aid_term is None:
        raise CommandError(f"term {code} has not been computed / 该学期尚未计算")
    return aid_term


def run_batch(cmd: BaseCommand, options: dict[str, Any]) -> None:
    aid_term = _aid_term(options["term"])
    batch = payments.create_batch(
        aid_term=aid_term, payee=options["payee"], acting_user=named_user(options)
    )
    total = sum(row.amount_fen for row in payments.file_rows(batch))
    cmd.stdout.write(
        f"{batch.number}: {batch.lines.count():,} lines, {yuan(total)} 元 (draft 草稿)"
    )
    _write_unpaid(cmd, aid_term, brief=True, payee=options["payee"])


def run_export(cmd: BaseCommand, options: dict[str, Any]) -> None:
    user = named_user(options)
    out: Path = options["out"]
    fmt = options["format"] or ("csv" if out.suffix.lower() == ".csv" else "xlsx")
    bank_file = payments.export_batch(
        batch=payments.get_batch(user, options["batch"]),
        acting_user=user,
        fmt=fmt,
        layout=options["layout"],
    )
    out.write_bytes(bank_file.content)
    cmd.stdout.write(f"{out}: {bank_file.name}, sha256 {bank_file.sha256}")
    cmd.stdout.write("contains full card and ID numbers: hand it to the bank only / 含完整卡号")


def run_reconcile(cmd: BaseCommand, options: dict[str, Any]) -> None:
    user = named_user(options)
    path: Path = options["file"]
    if not path.exists():
        raise CommandError(f"{path}: no such file / 文件不存在")
    result = payments.reconcile_batch(
        batch=payments.get_batch(user, options["batch"]), file_path=path, acting_user=user
    )
    state = "reconciled 已对账" if result.reconciled else f"{result.pending:,} lines still pending"
    cmd.stdout.write(
        f"{result.batch.number}: {result.rows:,} rows read, {result.paid:,} lines paid, "
        f"{result.failed:,} failed; {state}"
    )


def run_batches(cmd: BaseCommand, options: dict[str, Any]) -> None:
    b: Any  # a batch annotated with its counts
    for b in payments.batches_of_term(reader(options), options["term"]):
        cmd.stdout.write(
            f"{b.number:22} {b.get_state_display():24} {b.n_lines:>6,} lines {yuan(b.fen):>16} 元"
            f"  paid {b.n_paid:,} failed {b.n_failed:,} pending {b.n_pending:,}"
        )


def run_lines(cmd: BaseCommand, options: dict[str, Any]) -> None:
    user = reader(options)
    for line in payments.lines_of_batch(user, payments.get_batch(user, options["batch"])):
        cmd.stdout.write(
            f"{line['line_no']:>5} {line['entitlement__student__person__name']:8} "
            f"{line['entitlement__program']:26} {yuan(line['amount_fen']):>12} "
            f"{line['holder_name']:10} {line['card_number_masked']:20} {line['status']:8} "
            f"{line['paid_on'] or ''} {line['bank_reason']}"
        )


def run_unpaid(cmd: BaseCommand, options: dict[str, Any]) -> None:
    _write_unpaid(cmd, _aid_term(options["term"]), brief=False, user=reader(options))


def _write_unpaid(
    cmd: BaseCommand, aid_term: Any, *, brief: bool, payee: str = "", user: Any = None
) -> None:
    for title, found in (
        ("without a usable account 无可用账户", payments.unpaid_without_account(aid_term, user)),
        (
            "waiting for a corrected account 待更正账户",
            payments.failures_awaiting_correction(aid_term, user),
        ),
    ):
        found = [u for u in found if not payee or u.payee == payee]
        if brief:
            if found:
                cmd.stdout.write(f"  {len(found):,} {title}: see `notoneless aid unpaid`")
            continue
        cmd.stdout.write(f"{title}: {len(found):,}")
        for u in found:
            cmd.stdout.write(
                f"  {u.school_name:16} {u.student_name:8} {u.program:26} {yuan(u.amount_fen):>12}"
                f"  {u.detail}"
            )


def run_school_account(cmd: BaseCommand, options: dict[str, Any]) -> None:
    school = School.objects.filter(code=options["school"]).first()
    if school is None:
        raise CommandError(f"no school {options['school']} / 没有此学校")
    account = payments.set_school_account(
        school=school,
        bank_name=options["bank"],
        account_name=options["name"],
        account_number=options["number"],
        acting_user=named_user(options),
    )
    cmd.stdout.write(f"{school.name}: {account.bank_name} {account}")


def run_discard(cmd: BaseCommand, options: dict[str, Any]) -> None:
    user = named_user(options)
    batch = payments.get_batch(user, options["batch"])
    payments.discard_batch(batch=batch, acting_user=user)
    cmd.stdout.write(f"{options['batch']}: discarded / 已删除")
