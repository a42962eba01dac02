"""Policy packs: programs as data, in a versioned TOML file validated by a schema.

A pack holds named conditions, the automatic grading of hardship groups, and programs (stage, condition,
amount per year paid half per term, payee, kind, funding, terms, quota ranking), plus optional quotas per
school. ``load_pack`` turns a file into a ``Pack`` or raises ``PackError`` listing every problem found.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from notoneless.aid import conditions
from notoneless.aid.conditions import ConditionError, Node
from notoneless.aid.explain import Named
from notoneless.aid.facts import FACTS
from notoneless.registry import choices

PACKS_DIR = Path(__file__).resolve().parent / "packs"
DEFAULT_PACK = "shaanxi-2020"
TERM_CODE = re.compile(r"^(\d{4})-(autumn|spring)$")
STAGES = tuple(str(s) for s in choices.Stage.values)
GRADES = ("special", "difficult", "general")


class PackError(ValueError):
    """A pack that cannot be used; ``problems`` lists each, with where it is."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source, self.problems = source, problems
        super().__init__(f"{source}: " + "; ".join(problems))


def term_key(code: str) -> tuple[int, int]:
    """Order of terms: 2020-autumn < 2020-spring (its second term, in 2021) < 2021-autumn."""
    match = TERM_CODE.match(code)
    if not match:
        raise ValueError(f"term {code!r} must look like 2020-autumn or 2020-spring")
    return int(match.group(1)), 0 if match.group(2) == "autumn" else 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_term(value: str | None) -> str | None:
    if value:
        term_key(value)
    return value


class Amount(_Strict):
    """Yuan per year (one figure, or one per value of a fact), or the school's own fee per term."""

    yuan_per_year: Decimal | dict[str, Decimal] | None = None
    by: str | None = None
    school_fee: bool = False
    max_yuan_per_year: Decimal | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Amount:
        ways = [self.yuan_per_year is not None, self.school_fee, self.max_yuan_per_year is not None]
        if sum(ways) != 1:
            raise ValueError("give exactly one of yuan_per_year, school_fee or max_yuan_per_year")
        figures = (
            self.yuan_per_year.values()
            if isinstance(self.yuan_per_year, dict)
            else [self.yuan_per_year or self.max_yuan_per_year or Decimal(0)]
        )
        for figure in figures:
            if figure < 0:
                raise ValueError(f"amount {figure} is negative")
            if figure != figure.quantize(Decimal("0.01")):
                raise ValueError(f"amount {figure} has more than two decimals (fen)")
        if isinstance(self.yuan_per_year, dict):
            if self.by not in FACTS or FACTS[self.by].type != "choice":
                raise ValueError(f"'by' must name a choice fact, e.g. stage; got {self.by!r}")
            unknown = set(self.yuan_per_year) - set(FACTS[self.by].values)
            if unknown:
                raise ValueError(f"{', '.join(sorted(unknown))} are not values of {self.by}")
        elif self.by is not None:
            raise ValueError("'by' needs a table of amounts per value")
        return self


class RankBy(_Strict):
    fact: str | None = None
    order: list[str] = []
    ref: str | None = None

    @model_validator(mode="after")
    def _one(self) -> RankBy:
        if (self.fact is None) == (self.ref is None):
            raise ValueError("rank by one fact (with its order) or one named condition (ref)")
        if self.fact is not None and self.fact not in FACTS:
            raise ValueError(f"unknown fact {self.fact!r}")
        return self


class Program(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    name: str
    notice_label: str = Field(description="what the public notice shows: neutral words only")
    stages: list[Literal["preschool", "primary", "junior", "senior", "vocational", "university"]]
    kind: Literal["grant", "subsidy", "waiver", "loan"]
    payee: Literal["family", "school", "recorded"]
    paid_by: str = ""
    funding: str = ""
    when: dict[str, Any] | None = None
    amount: Amount
    first_term: str | None = None
    last_term: str | None = None
    rank: list[RankBy] = []

    _check_terms = field_validator("first_term", "last_term")(_check_term)

    @model_validator(mode="after")
    def _consistent(self) -> Program:
        if self.payee == "recorded" and not self.paid_by:
            raise ValueError("a program paid by another agency names it in paid_by")
        if self.kind == "loan" and self.amount.max_yuan_per_year is None:
            raise ValueError("a loan gives max_yuan_per_year")
        if self.kind != "loan" and self.when is None:
            raise ValueError("needs 'when', the condition it applies on")
        return self


class NamedCondition(_Strict):
    label: str
    when: dict[str, Any]


class AutoGrade(_Strict):
    ref: str
    grade: Literal["special", "difficult", "general"]


class Quota(_Strict):
    program: str
    school: str = Field(pattern=r"^\d{10}$")
    students: int | None = Field(default=None, ge=0)
    budget_yuan: Decimal | None = Field(default=None, ge=0)


class PackFile(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: int = Field(ge=1)
    title: str
    first_term: str
    last_term: str | None = None
    conditions: dict[str, NamedCondition] = {}
    auto_grades: list[AutoGrade] = []
    programs: list[Program]
    quotas: list[Quota] = []

    _check_terms = field_validator("first_term", "last_term")(_check_term)


@dataclass(frozen=True)
class CompiledProgram:
    spec: Program
    when: Node | None
    index: int

    @property
    def code(self) -> str:
        return self.spec.code

    def applies_in(self, term: str, pack: Pack) -> bool:
        first = self.spec.first_term or pack.spec.first_term
        last = self.spec.last_term or pack.spec.last_term
        return term_key(first) <= term_key(term) and (
            last is None or term_key(term) <= term_key(last)
        )


@dataclass(frozen=True)
class Pack:
    spec: PackFile
    source: str
    named: Named
    programs: tuple[CompiledProgram, ...]

    @property
    def code(self) -> str:
        return self.spec.code

    @cached_property
    def by_code(self) -> dict[str, CompiledProgram]:
        return {p.code: p for p in self.programs}

    def programs_in(self, term: str) -> list[CompiledProgram]:
        return [p for p in self.programs if p.applies_in(term, self)]

    def covers(self, term: str) -> bool:
        last = self.spec.last_term
        return term_key(self.spec.first_term) <= term_key(term) and (
            last is None or term_key(term) <= term_key(last)
        )


def ranges_overlap(a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
    far = (9999, 9)
    a0, a1 = term_key(a[0]), term_key(a[1]) if a[1] else far
    b0, b1 = term_key(b[0]), term_key(b[1]) if b[1] else far
    return a0 <= b1 and b0 <= a1


def pack_path(code: str) -> Path:
    return PACKS_DIR / f"{code}.toml"


def load_pack(path: Path) -> Pack:
    return parse_pack(path.read_text(encoding="utf-8"), path.name)


def parse_pack(text: str, source: str) -> Pack:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(source, [f"not valid TOML: {exc}"]) from None
    try:
        spec = PackFile.model_validate(raw)
    except ValidationError as exc:
        raise PackError(source, [_located(e) for e in exc.errors()]) from None
    problems: list[str] = []
    named_nodes = _compile_named(spec, problems)
    programs = _compile_programs(spec, named_nodes, problems)
    problems += _check_pack(spec, set(named_nodes))
    if problems:
        raise PackError(source, problems)
    named = Named(named_nodes, {k: v.label for k, v in spec.conditions.items()})
    return Pack(spec, text, named, tuple(programs))


def _located(error: Any) -> str:
    where = ".".join(str(x) for x in error["loc"]) or "pack"
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        message = "unknown field"
    return f"{where}: {message}"


def _compile_named(spec: PackFile, problems: list[str]) -> dict[str, Node]:
    names = frozenset(spec.conditions)
    nodes: dict[str, Node] = {}
    for name, named in spec.conditions.items():
        try:
            nodes[name] = conditions.parse(named.when, f"conditions.{name}.when", names)
        except ConditionError as exc:
            problems.append(str(exc))
    for name in nodes:
        if _refers_to_itself(name, nodes):
            problems.append(f"conditions.{name}: refers to itself")
    return nodes


def _refers_to_itself(name: str, nodes: dict[str, Node]) -> bool:
    seen: set[str] = set()
    stack = [nodes[name]]
    while stack:
        node = stack.pop()
        match node:
            case conditions.Ref(ref):
                if ref == name:
                    return True
                if ref not in seen and ref in nodes:
                    seen.add(ref)
                    stack.append(nodes[ref])
            case conditions.All(parts) | conditions.Any_(parts):
                stack.extend(parts)
            case conditions.Not(part):
                stack.append(part)
    return False


def _compile_programs(
    spec: PackFile, named: dict[str, Node], problems: list[str]
) -> list[CompiledProgram]:
    out = []
    names = frozenset(named)
    for i, program in enumerate(spec.programs):
        when = None
        if program.when is not None:
            try:
                when = conditions.parse(program.when, f"programs.{i}.when ({program.code})", names)
            except ConditionError as exc:
                problems.append(str(exc))
        out.append(CompiledProgram(program, when, i))
    return out


def _check_pack(spec: PackFile, names: set[str]) -> list[str]:
    problems = []
    seen: dict[str, list[Program]] = {}
    for program in spec.programs:
        seen.setdefault(program.code, []).append(program)
    for code, same in seen.items():
        if len(same) > 1:
            problems.append(f"programs: {len(same)} programs have the code {code!r}")
    for i, grade in enumerate(spec.auto_grades):
        if grade.ref not in names:
            problems.append(f"auto_grades.{i}: condition {grade.ref!r} is not defined")
    for i, program in enumerate(spec.programs):
        for j, rank in enumerate(program.rank):
            if rank.ref is not None and rank.ref not in names:
                problems.append(f"programs.{i}.rank.{j}: condition {rank.ref!r} is not defined")
        first = program.first_term or spec.first_term
        last = program.last_term or spec.last_term
        if last and term_key(last) < term_key(first):
            problems.append(f"programs.{i} ({program.code}): last_term {last} is before {first}")
    if spec.last_term and term_key(spec.last_term) < term_key(spec.first_term):
        problems.append(f"last_term {spec.last_term} is before first_term {spec.first_term}")
    for i, quota in enumerate(spec.quotas):
        if quota.program not in seen:
            problems.append(f"quotas.{i}: program {quota.program!r} is not in the pack")
        elif seen[quota.program][0].payee == "recorded":
            problems.append(f"quotas.{i}: {quota.program} is paid by another agency")
        if quota.students is None and quota.budget_yuan is None:
            problems.append(f"quotas.{i}: give students, budget_yuan or both")
    return problems
