"""``inclusion assessments add STUDENT [--school CODE] --type T --severity S --assessor TEXT --date DATE
[--notes TEXT] --user U``: a child assessed without a certificate (``actions.add_assessment``); the
child is found as everywhere else (student number, resident ID, or name with ``--school``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from notoneless.inclusion import actions
from notoneless.inclusion.cli.common import add_writer, writer
from notoneless.inclusion.models import Severity
from notoneless.registry.choices import DisabilityType
from notoneless.registry.cli import find_student


def register(sub: Any) -> None:
    p = sub.add_parser("assessments", help="assessments of children without a certificate (评估)")
    inner = p.add_subparsers(dest="assessments_action", required=True, metavar="ACTION")
    a = inner.add_parser("add", help="record an assessment: type, severity, who assessed")
    a.add_argument("student", metavar="STUDENT", help="student number, resident ID or name")
    a.add_argument("--school", metavar="CODE", help="the child's school (with a name)")
    a.add_argument("--type", required=True, choices=DisabilityType.values, dest="disability_type")
    a.add_argument("--severity", required=True, choices=Severity.values)
    a.add_argument("--assessor", required=True, metavar="TEXT", help="name and institution")
    a.add_argument("--date", required=True, type=date.fromisoformat, metavar="DATE")
    a.add_argument("--notes", default="", metavar="TEXT")
    add_writer(a)
    a.set_defaults(run=run_add)


def run_add(command: BaseCommand, options: dict[str, Any]) -> None:
    user = writer(options)
    person = find_student(user, options["student"], options["school"]).person
    assessment = actions.add_assessment(
        person=person,
        disability_type=options["disability_type"],
        severity=options["severity"],
        assessor=options["assessor"],
        assessed_on=options["date"],
        notes=options["notes"],
        acting_user=user,
    )
    command.stdout.write(
        f"assessment {assessment.pk} of {person.name} recorded: {assessment.disability_type} "
        f"{assessment.severity} / 已录入"
    )
