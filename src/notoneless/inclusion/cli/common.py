"""Shared pieces of the inclusion subcommands: the county reader, the acting account of a write
(``--user``, required and recorded in the audit log), placements, plans and teachers within the user's
scope, and files given on the command line."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.core.management.base import CommandError
from django.http import Http404

from notoneless.accounts.models import Role, User
from notoneless.inclusion import selectors
from notoneless.inclusion.models import Placement, Plan
from notoneless.registry.models import Teacher


def county_actor() -> User:
    """An unsaved county administrator: a command run on the server acts for the whole county."""
    return User(username="cli", role=Role.COUNTY_ADMIN, is_active=True)


def add_writer(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        required=True,
        metavar="USERNAME",
        help="the account you act as (recorded in the audit log)",
    )


def writer(options: dict[str, Any]) -> User:
    name = options["user"]
    found = User.objects.filter(username=name, is_active=True).first()
    if found is None:
        raise CommandError(f"没有此账号 / no active account {name!r}")
    return found


def placement_of(user: User, placement_id: int) -> Placement:
    try:
        return selectors.get_placement(user, placement_id)
    except Http404:
        raise CommandError(f"没有此安置 / no placement {placement_id} in your scope") from None


def plan_of(user: User, plan_id: int) -> Plan:
    try:
        return selectors.get_plan(user, plan_id)
    except Http404:
        raise CommandError(f"没有此方案 / no plan {plan_id} in your scope") from None


def teacher_of(text: str) -> Teacher:
    """A teacher by id or by name (the plan's action checks who may be named)."""
    teachers = Teacher.objects.select_related("school")
    found = list(teachers.filter(pk=int(text)) if text.isdigit() else teachers.filter(name=text))
    if not found:
        raise CommandError(f"没有此教师 / no teacher {text!r}")
    if len(found) > 1:
        raise CommandError(f"{text!r} names several teachers; give the id / 请给出教师编号")
    return found[0]


@contextmanager
def opened_file(path: Path | None) -> Iterator[File | None]:
    """The file as a Django ``File`` named like an upload (its base name), or None; the action checks
    its type and size as it checks an upload."""
    if path is None:
        yield None
        return
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror} / 无法读取文件") from None
    with handle:
        yield File(handle, name=path.name)
