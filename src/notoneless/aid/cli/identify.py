"""Subcommands of hardship identification (资助认定): automatic grades, the list, county confirmation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notoneless.aid import identification, selectors
from notoneless.aid.cli.common import add_user, named_user, reader
from notoneless.aid.models import Identification
from notoneless.registry.models import School, Term


def register(sub: Any) -> None:
    p = sub.add_parser(
        "identify-auto", help="grade the students of hardship groups automatically (应助尽助)"
    )
    p.add_argument("--term", required=True)
    add_user(p, required=True)
    p.set_defaults(run=run_auto)

    p = sub.add_parser("identify-list", help="the term's identifications: step and grade")
    p.add_argument("--term", required=True)
    p.add_argument("--school", help="school code")
    add_user(p)
    p.set_defaults(run=run_list)

    p = sub.add_parser("identify-confirm", help="the county confirms a school's posted grades")
    p.add_argument("--term", required=True)
    p.add_argument("--school", required=True, help="school code")
    add_user(p, required=True)
    p.set_defaults(run=run_confirm)


def _term(code: str) -> Term:
    return selectors.get_term(code)


def _school(code: str | None) -> School | None:
    if code is None:
        return None
    school = School.objects.filter(code=code).first()
    if school is None:
        raise CommandError(f"no school {code} / 没有此学校")
    return school


def run_auto(cmd: BaseCommand, options: dict[str, Any]) -> None:
    term = _term(options["term"])
    out = identification.record_automatic(
        school_year=term.school_year, season=term.season, acting_user=named_user(options)
    )
    cmd.stdout.write(
        f"{out.term}: created {out.created:,}, refreshed {out.refreshed:,}, withdrawn {out.withdrawn:,}, "
        f"unchanged {out.unchanged:,}; {out.held_by_workflow:,} left to the workflow"
    )


def run_list(cmd: BaseCommand, options: dict[str, Any]) -> None:
    term = _term(options["term"])
    rows = identification.identifications_for(
        reader(options),
        school_year=term.school_year,
        season=term.season,
        school=_school(options["school"]),
    )
    for ident in rows:
        school = ident.school.code if ident.school else ""
        cmd.stdout.write(
            f"{ident.pk:>8} {school:10} {ident.student.person.name:10} "
            f"{ident.get_step_display():16} {ident.get_grade_display():8} {ident.get_source_display()}"
        )


def run_confirm(cmd: BaseCommand, options: dict[str, Any]) -> None:
    term = _term(options["term"])
    user = named_user(options)
    posted = list(
        identification.identifications_for(
            user,
            school_year=term.school_year,
            season=term.season,
            school=_school(options["school"]),
            step=Identification.Step.POSTED,
        )
    )
    n = identification.confirm(identifications=posted, acting_user=user)
    cmd.stdout.write(f"{options['school']} {term.code}: {n} confirmed / 已确认")
