"""Shared pieces of the aid subcommands: who is acting, money as 元, refusals as clean errors."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import CommandError

from notoneless.accounts.models import User
from notoneless.aid.errors import AidRefused
from notoneless.aid.policy import PackError
from notoneless.lib.money import show_wan, show_yuan


def add_user(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument(
        "--user",
        required=required,
        metavar="USERNAME",
        help="the account you act as (recorded in the audit log; approval rules check it)",
    )


def acting_user(options: dict[str, Any]) -> User | None:
    name = options.get("user")
    if not name:
        return None
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise CommandError(f"no active account {name!r} / 没有此账号")
    return user


yuan, wan = show_yuan, show_wan


@contextmanager
def refusals() -> Iterator[None]:
    """An action's refusal becomes a one-line error (exit status 1), never a traceback."""
    try:
        yield
    except AidRefused as exc:
        raise CommandError(str(exc)) from None
    except PackError as exc:
        raise CommandError("\n".join([exc.source, *(f"  - {p}" for p in exc.problems)])) from None


class Operator:
    """Whoever runs the command on the server without ``--user``: reads the whole county; writes that
    need a named person (submit, compile, approve, export) ask for ``--user``."""

    pk = None
    username = ""
    is_superuser = True
    is_authenticated = True
    is_active = True
    role = "county_admin"
    school_id = None
    township_id = None


def reader(options: dict[str, Any]) -> Any:
    return acting_user(options) or Operator()


def named_user(options: dict[str, Any]) -> User:
    user = acting_user(options)
    if user is None:
        raise CommandError("this action needs --user USERNAME / 请用 --user 指明操作人")
    return user
