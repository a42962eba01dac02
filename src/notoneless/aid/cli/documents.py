"""Subcommands of printed documents: a school's public notice (公示) and household policy cards (明白卡),
as PDF files. Printing personal data is recorded in the audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notoneless.aid import documents
from notoneless.aid.cli.common import add_user, reader


def register(sub: Any) -> None:
    p = sub.add_parser("notice", help="a school's public notice (公示) of the term's aid, as PDF")
    p.add_argument("--term", required=True)
    p.add_argument("--school", required=True, help="school code (学校标识码)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    add_user(p)
    p.set_defaults(run=run_notice)

    p = sub.add_parser(
        "cards", help="household policy cards (明白卡), one page per household, as PDF"
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--household", action="append", metavar="NUMBER", help="household number")
    which.add_argument("--village", metavar="CODE", help="every household of the village")
    p.add_argument("--term", required=True)
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    add_user(p)
    p.set_defaults(run=run_cards)


def run_notice(cmd: BaseCommand, options: dict[str, Any]) -> None:
    printed = documents.print_notice(
        term_code=options["term"],
        school_code=options["school"],
        acting_user=reader(options),
        client="cli",
    )
    _write(cmd, printed, options["out"])


def run_cards(cmd: BaseCommand, options: dict[str, Any]) -> None:
    printed = documents.print_cards(
        term_code=options["term"],
        numbers=options["household"] or (),
        village=options["village"],
        acting_user=reader(options),
        client="cli",
    )
    _write(cmd, printed, options["out"])


def _write(cmd: BaseCommand, printed: documents.Printed, out: Path) -> None:
    try:
        out.write_bytes(printed.pdf)
    except OSError as exc:
        raise CommandError(f"{out}: {exc.strerror} / 无法写入文件") from None
    cmd.stdout.write(f"{out}: {printed.pages} pages / 共 {printed.pages} 页")
    if printed.missing_characters:
        chars = " ".join(sorted(printed.missing_characters))
        cmd.stderr.write(
            f"warning: the font lacks {chars}; write them in by hand / 字库缺少以下字符，请手工补写：{chars}"
        )
