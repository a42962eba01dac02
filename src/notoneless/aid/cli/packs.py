"""Subcommands of policy packs: list, check, preview against the registers, install."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notoneless.aid import packs_store, preview
from notoneless.aid.cli.common import add_user, reader, yuan
from notoneless.aid.policy import load_pack


def register(sub: Any) -> None:
    p = sub.add_parser("packs", help="the policy packs loaded, and which are active")
    p.set_defaults(run=run_list)

    p = sub.add_parser("pack-check", help="validate a pack file; print every problem")
    p.add_argument("file", type=Path)
    p.set_defaults(run=run_check)

    p = sub.add_parser(
        "pack-preview", help="counts and amounts a pack would give, against the current pack"
    )
    p.add_argument("file", type=Path)
    p.add_argument("--term", required=True)
    add_user(p)
    p.set_defaults(run=run_preview)

    p = sub.add_parser("pack-install", help="store a pack version and switch it on")
    p.add_argument("file", type=Path)
    p.add_argument("--inactive", action="store_true", help="store it without switching it on")
    add_user(p, required=True)
    p.set_defaults(run=run_install)


def _read(path: Path) -> str:
    if not path.exists():
        raise CommandError(f"{path}: no such file / 文件不存在")
    return path.read_text(encoding="utf-8")


def run_list(cmd: BaseCommand, options: dict[str, Any]) -> None:
    for stored in packs_store.PolicyPack.objects.all():
        mark = "active" if stored.active else "      "
        cmd.stdout.write(
            f"{mark} {stored.code} v{stored.version}  {stored.first_term}–{stored.last_term or '…'}  {stored.title}"
        )


def run_check(cmd: BaseCommand, options: dict[str, Any]) -> None:
    pack = load_pack(options["file"]) if options["file"].exists() else None
    if pack is None:
        raise CommandError(f"{options['file']}: no such file / 文件不存在")
    cmd.stdout.write(
        f"{pack.code} v{pack.spec.version}: {len(pack.programs)} programs, valid / 校验通过"
    )


def run_preview(cmd: BaseCommand, options: dict[str, Any]) -> None:
    from notoneless.aid.policy import parse_pack

    path: Path = options["file"]
    candidate = parse_pack(_read(path), path.name)
    rows = preview.preview(reader(options), candidate, options["term"])
    cmd.stdout.write(
        f"{'program':28} {'now':>8} {'pack':>8} {'diff':>8} {'now 元':>16} {'pack 元':>16}"
    )
    for r in rows:
        cmd.stdout.write(
            f"{r.code:28} {r.current_students:>8,} {r.new_students:>8,} {r.new_students - r.current_students:>+8,} "
            f"{yuan(r.current_fen):>16} {yuan(r.new_fen):>16}"
        )


def run_install(cmd: BaseCommand, options: dict[str, Any]) -> None:
    from notoneless.aid.cli.common import named_user

    path: Path = options["file"]
    stored = packs_store.install_pack(
        text=_read(path),
        source=path.name,
        acting_user=named_user(options),
        activate=not options["inactive"],
    )
    cmd.stdout.write(f"{stored} installed{' and active' if stored.active else ''}")
