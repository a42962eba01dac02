"""Declarative conditions: a tree of ``all`` / ``any`` / ``not`` over leaves that test one fact, plus
``ref`` to a named condition of the pack. No ``eval``: each node becomes a Polars expression for the whole
county, and the same node explains itself for one student."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from notoneless.aid.facts import FACTS

OPS = ("eq", "ne", "in", "not_in", "is", "gte", "lte", "gt", "lt", "contains", "not_contains")


@dataclass(frozen=True)
class Leaf:
    fact: str
    op: str
    value: Any

    def expr(self) -> pl.Expr:
        c = pl.col(self.fact)
        v = self.value
        built: dict[str, Callable[[], pl.Expr]] = {
            "eq": lambda: c == v,
            "ne": lambda: c != v,
            "in": lambda: c.is_in(list(v)),
            "not_in": lambda: ~c.is_in(list(v)),
            "is": lambda: c == v,
            "gte": lambda: c >= v,
            "lte": lambda: c <= v,
            "gt": lambda: c > v,
            "lt": lambda: c < v,
            "contains": lambda: c.str.contains(v, literal=True),
            "not_contains": lambda: ~c.str.contains(v, literal=True),
        }
        return built[self.op]().fill_null(False)

    def test(self, row: Mapping[str, Any]) -> bool:
        x, v = row.get(self.fact), self.value
        if x is None:
            return self.op in ("ne", "not_in", "not_contains")
        tests: dict[str, Callable[[], bool]] = {
            "eq": lambda: x == v,
            "ne": lambda: x != v,
            "in": lambda: x in v,
            "not_in": lambda: x not in v,
            "is": lambda: bool(x) == v,
            "gte": lambda: x >= v,
            "lte": lambda: x <= v,
            "gt": lambda: x > v,
            "lt": lambda: x < v,
            "contains": lambda: v in x,
            "not_contains": lambda: v not in x,
        }
        return tests[self.op]()

    def describe_need(self) -> str:
        fact = FACTS[self.fact]
        many = self.op in ("in", "not_in")
        shown = "、".join(fact.show(x) for x in self.value) if many else fact.show(self.value)
        needs = {
            "eq": _("{fact} {value}"),
            "is": _("{fact}: {value}"),
            "ne": _("{fact} other than {value}"),
            "in": _("{fact} one of {value}"),
            "not_in": _("{fact} none of {value}"),
            "gte": _("{fact} at least {value}"),
            "lte": _("{fact} at most {value}"),
            "gt": _("{fact} above {value}"),
            "lt": _("{fact} below {value}"),
            "contains": _("{fact} containing “{value}”"),
            "not_contains": _("{fact} not containing “{value}”"),
        }
        return needs[self.op].format(fact=fact.label, value=shown)

    def describe_actual(self, row: Mapping[str, Any]) -> str:
        fact = FACTS[self.fact]
        return _("{fact} is {value}").format(fact=fact.label, value=fact.show(row.get(self.fact)))


@dataclass(frozen=True)
class All:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


@dataclass(frozen=True)
class Ref:
    name: str


Node = Leaf | All | Any_ | Not | Ref


class ConditionError(ValueError):
    pass


def parse(raw: Any, where: str, names: frozenset[str] = frozenset()) -> Node:
    """A condition from its TOML form; ``where`` names the place for error messages."""
    if not isinstance(raw, dict) or not raw:
        raise ConditionError(
            f"{where}: a condition must be a table, e.g. {{ fact = ..., eq = ... }}"
        )
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        _only(raw, {key}, where)
        parts = raw[key]
        if not isinstance(parts, list) or not parts:
            raise ConditionError(f"{where}.{key}: must be a non-empty list of conditions")
        nodes = tuple(parse(p, f"{where}.{key}[{i}]", names) for i, p in enumerate(parts))
        return All(nodes) if key == "all" else Any_(nodes)
    if "not" in raw:
        _only(raw, {"not"}, where)
        return Not(parse(raw["not"], f"{where}.not", names))
    if "ref" in raw:
        _only(raw, {"ref"}, where)
        if raw["ref"] not in names:
            raise ConditionError(
                f"{where}: refers to condition {raw['ref']!r}, which the pack does not define"
            )
        return Ref(raw["ref"])
    return _leaf(raw, where)


def _only(raw: dict[str, Any], keys: set[str], where: str) -> None:
    extra = set(raw) - keys
    if extra:
        raise ConditionError(
            f"{where}: unexpected {', '.join(sorted(extra))} beside {', '.join(keys)}"
        )


def _leaf(raw: dict[str, Any], where: str) -> Leaf:
    if "fact" not in raw:
        raise ConditionError(f"{where}: needs 'fact' (or all / any / not / ref)")
    name = raw["fact"]
    fact = FACTS.get(name)
    if fact is None:
        raise ConditionError(
            f"{where}: unknown fact {name!r}; facts are: {', '.join(sorted(FACTS))}"
        )
    ops = [k for k in raw if k != "fact"]
    if len(ops) != 1 or ops[0] not in OPS:
        raise ConditionError(f"{where}: needs exactly one test of {', '.join(OPS)}; got {ops}")
    op = ops[0]
    value = raw[op]
    _check_value(fact.type, fact.values, op, value, f"{where}.{op}")
    return Leaf(name, op, tuple(value) if op in ("in", "not_in") else value)


def _check_value(kind: str, allowed: Mapping[str, Any], op: str, value: Any, where: str) -> None:
    values = value if op in ("in", "not_in") else [value]
    if op in ("in", "not_in") and not isinstance(value, list):
        raise ConditionError(f"{where}: must be a list")
    if op == "is" and kind != "bool":
        raise ConditionError(f"{where}: 'is' tests a yes/no fact; use eq")
    if op in ("gte", "lte", "gt", "lt") and kind != "int":
        raise ConditionError(f"{where}: compares numbers, and this fact is not one")
    if op in ("contains", "not_contains") and kind != "text":
        raise ConditionError(f"{where}: 'contains' tests a text fact")
    for v in values:
        ok = {
            "bool": isinstance(v, bool),
            "int": isinstance(v, int) and not isinstance(v, bool),
            "text": isinstance(v, str),
            "choice": isinstance(v, str) and (v in allowed or v == ""),
        }[kind]
        if not ok:
            hint = f"; values: {', '.join(allowed)}" if kind == "choice" else ""
            raise ConditionError(f"{where}: {v!r} is not a valid {kind} value{hint}")


def expr(node: Node, named: Mapping[str, Node]) -> pl.Expr:
    match node:
        case Leaf():
            return node.expr()
        case All(parts):
            return pl.all_horizontal([expr(p, named) for p in parts])
        case Any_(parts):
            return pl.any_horizontal([expr(p, named) for p in parts])
        case Not(part):
            return ~expr(part, named)
        case Ref(name):
            return expr(named[name], named)
    raise TypeError(node)


def test(node: Node, row: Mapping[str, Any], named: Mapping[str, Node]) -> bool:
    match node:
        case Leaf():
            return node.test(row)
        case All(parts):
            return all(test(p, row, named) for p in parts)
        case Any_(parts):
            return any(test(p, row, named) for p in parts)
        case Not(part):
            return not test(part, row, named)
        case Ref(name):
            return test(named[name], row, named)
    raise TypeError(node)


def facts_used(node: Node, named: Mapping[str, Node]) -> set[str]:
    match node:
        case Leaf(fact=fact):
            return {fact}
        case All(parts) | Any_(parts):
            return set().union(*(facts_used(p, named) for p in parts))
        case Not(part):
            return facts_used(part, named)
        case Ref(name):
            return facts_used(named[name], named)
    raise TypeError(node)
