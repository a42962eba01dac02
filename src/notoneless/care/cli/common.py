"""Shared pieces of the care subcommands: who reads or acts, the school, the child, the helper, the
pairing, and files given on the command line."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

from django.core.files.base import File
from django.core.management.base import CommandError
from django.http import Http404
from django.utils import timezone

from notoneless.accounts.models import User
from notoneless.care import selectors
from notoneless.care.models import Pairing
from notoneless.registry.models import School, Student, Teacher


def add_writer(parser: argparse.ArgumentParser) -> None:
    """``--user``, required: every write names the acting account (recorded in the audit log)."""
    parser.add_argument(
        "--user",
        required=True,
        metavar="USERNAME",
        help="the account you act as (recorded in the audit log)",
    )


def school_by_code(user: User, code: str) -> School:
    found = selectors.care_schools(user).filter(code=code).first()
    if found is None:
        raise CommandError(f"没有此学校 / no school {code} (or not yours)")
    return found


def as_of(value: date | None) -> date:
    return value or selectors.care_date(timezone.localdate())


def school_of(student: Student, school_code: str | None) -> str:
    """The code of the child's school this term (or the one given)."""
    if school_code:
        return school_code
    codes = sorted({e.school.code for e in getattr(student, "current_enrollments", [])})
    if len(codes) != 1:
        raise CommandError(
            f"{student.person.name}: give the school with --school CODE / 请用 --school 指明学校"
        )
    return codes[0]


def find_helper(school: School, text: str) -> Teacher:
    """A teacher who may help the school's children (a school in scope), by id or by name (``care
    pairing helpers`` lists them)."""
    helpers = selectors.helpers_for(school)
    found = list(helpers.filter(pk=int(text)) if text.isdigit() else helpers.filter(name=text))
    if not found:
        raise CommandError(
            f"{school.name}没有此教师 / no teacher {text!r} may help at {school.name}"
        )
    if len(found) > 1:
        raise CommandError(f"{text!r} names several teachers; give the id / 请给出教师编号")
    return found[0]


def find_pairing(user: User, pairing_id: int) -> Pairing:
    try:
        return selectors.get_pairing(user, pairing_id)
    except Http404:
        raise CommandError(f"没有此结对 / no pairing {pairing_id} (or not yours)") from None


@contextmanager
def opened_files(paths: Sequence[Path]) -> Iterator[list[File]]:
    """The files as Django ``File`` objects named like an upload (the base name), closed afterwards;
    the action checks type and size as it checks an upload."""
    with ExitStack() as stack:
        files = []
        for path in paths:
            try:
                handle = stack.enter_context(path.open("rb"))
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror} / 无法读取文件") from None
            files.append(File(handle, name=path.name))
        yield files
