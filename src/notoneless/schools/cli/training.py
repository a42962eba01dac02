"""``schools training [--json] [--xlsx FILE]``: training person-times and rounds per teacher, honours
and recruitment by year."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notoneless.schools import selectors
from notoneless.schools.cli.common import add_reader, emit
from notoneless.schools.exports import training_tables
from notoneless.schools.models import HonourKind
from notoneless.subcommands import acting_user


def register(sub: Any) -> None:
    p = sub.add_parser("training", help="training, honours and recruitment (师资建设)")
    add_reader(p)
    p.set_defaults(run=run_training)


def run_training(command: BaseCommand, options: dict[str, Any]) -> None:
    report = selectors.training_for(acting_user(options["user"]))
    if emit(command, options, report.as_dict(), training_tables(report)):
        return
    command.stdout.write(
        f"培训{report.person_times}人次，教师{report.teachers}人，人均{report.mean_rounds:.2f}轮"
        f"（目标{report.rules.target_rounds}轮，达到{report.at_target}人）；补充教师{report.recruited}名；"
        + "，".join(f"{HonourKind(k).label}{n}名" for k, n in report.honour_totals.items())
    )
