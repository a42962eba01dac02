"""``inclusion sessions add --plan ID --date DATE --hours N (--lesson-plan TEXT | --lesson-plan-file
FILE) --record TEXT (--code CODE | --signature FILE) [--teacher ID|NAME] --user U``: a home-teaching
session (``actions.record_session``), as the phone form records it: all six elements (teacher,
student, plan, class hours, lesson plan, record-book entry) and the guardian's confirmation, or the
session is refused naming what is missing and nothing is stored. A teacher records as their own
teacher; an officer entering the paper record book names the teacher."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from notoneless.inclusion import actions
from notoneless.inclusion.cli.common import add_writer, opened_file, plan_of, teacher_of, writer


def register(sub: Any) -> None:
    p = sub.add_parser("sessions", help="home-teaching sessions (送教上门)")
    inner = p.add_subparsers(dest="sessions_action", required=True, metavar="ACTION")
    a = inner.add_parser("add", help="record a session held (六落实)")
    a.add_argument("--plan", required=True, type=int, metavar="ID")
    a.add_argument("--date", required=True, type=date.fromisoformat, metavar="DATE")
    a.add_argument("--hours", default="", metavar="N", help="class hours, one decimal")
    a.add_argument("--teacher", metavar="ID|NAME", help="default: the account's own teacher")
    lesson = a.add_mutually_exclusive_group()
    lesson.add_argument("--lesson-plan", default="", metavar="TEXT")
    lesson.add_argument("--lesson-plan-file", type=Path, metavar="FILE", help="photo or PDF")
    a.add_argument("--record", default="", metavar="TEXT", help="the record-book entry")
    confirmation = a.add_mutually_exclusive_group()
    confirmation.add_argument("--code", default="", metavar="CODE", help="the guardian's code")
    confirmation.add_argument(
        "--signature", type=Path, metavar="FILE", help="photo of the guardian's signature"
    )
    add_writer(a)
    a.set_defaults(run=run_add)


def run_add(command: BaseCommand, options: dict[str, Any]) -> None:
    user = writer(options)
    plan = plan_of(user, options["plan"])
    teacher = teacher_of(options["teacher"]) if options["teacher"] else None
    with (
        opened_file(options["lesson_plan_file"]) as lesson_file,
        opened_file(options["signature"]) as signature,
    ):
        session = actions.record_session(
            acting_user=user,
            plan=plan,
            student=plan.person,
            teacher=teacher,
            held_on=options["date"],
            class_hours=options["hours"],
            lesson_plan=options["lesson_plan"],
            lesson_plan_file=lesson_file,
            record_entry=options["record"],
            signature_photo=signature,
            confirmation_code=options["code"],
        )
    command.stdout.write(
        f"session {session.pk} of plan {plan.pk} on {session.held_on} recorded: "
        f"{session.teacher.name}, {session.class_hours} h ({session.confirmation}) / 已记录"
    )
