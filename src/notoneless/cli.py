"""The ``notoneless`` console script: Django's management commands with the settings preset."""

from __future__ import annotations

import os
import sys


def command_argv(args: list[str]) -> list[str]:
    """Let users type ``check-id`` for the ``check_id`` command (a module name cannot hold '-').

    Only the command name is translated (and the name after ``help``): later words such as the
    import kind ``enrolled-elsewhere`` are arguments and stay as typed.
    """
    args = list(args)
    position = 1 if args[:1] == ["help"] else 0
    if len(args) > position and not args[position].startswith("-"):
        args[position] = args[position].replace("-", "_")
    return args


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notoneless.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["notoneless", *command_argv(args)])


if __name__ == "__main__":
    main()
