"""Shared pieces of the publicity subcommands that write: the acting account (``--user``, required and
recorded in the audit log), the term, a household by its number within the user's scope, and a file
given on the command line."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.core.management.base import CommandError

from notoneless.accounts.models import User
from notoneless.outreach import selectors
from notoneless.registry.models import Household, Term
from notoneless.registry.selectors import current_term


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


def term_by_code(code: str | None, day: date | None = None) -> Term:
    """The term of the code; without one, the term holding ``day`` (else the current term)."""
    if code:
        found = Term.objects.filter(code=code).first()
    elif day is not None:
        found = selectors.term_of(day)
    else:
        found = current_term()
    if found is None:
        raise CommandError(f"没有此学期 / no term {code or day or ''}")
    return found


def household_by_number(user: User, number: str, term: Term) -> Household:
    """The household of that number among those the user may see (else not found)."""
    found = selectors.households_for(user, term).filter(number=number.strip()).first()
    if found is None:
        raise CommandError(f"没有此户或不在您的范围 / no household {number} in your scope")
    return found


def pairs(values: list[str], what: str) -> dict[str, str]:
    """``KEY=VALUE`` arguments as a dict (one key once)."""
    out: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CommandError(f"{what}: write {value!r} as KEY=VALUE / 格式应为 键=值")
        if key in out:
            raise CommandError(f"{what}: {key} given twice / 重复")
        out[key] = rest.strip()
    return out


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
