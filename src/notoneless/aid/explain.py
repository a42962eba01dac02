"""Plain-words explanations of a condition for one student: what made a program apply, or what it lacked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from notoneless.aid.conditions import All, Any_, Leaf, Node, Not, Ref, test


@dataclass(frozen=True)
class Named:
    """The pack's named conditions and their labels."""

    nodes: Mapping[str, Node]
    labels: Mapping[str, str]


def need(node: Node, named: Named) -> str:
    """What the condition asks for, in words."""
    match node:
        case Leaf():
            return node.describe_need()
        case Ref(name):
            return named.labels.get(name, name)
        case All(parts):
            return _(" and ").join(need(p, named) for p in parts)
        case Any_(parts):
            return _("one of ({items})").format(items=_("; ").join(need(p, named) for p in parts))
        case Not(part):
            return _("not ({item})").format(item=need(part, named))
    raise TypeError(node)


def why(node: Node, row: Mapping[str, Any], named: Named) -> str:
    """Why a condition that holds for the row holds."""
    match node:
        case Leaf():
            actual = node.describe_actual(row)
            if node.fact == "hardship_grade" and row.get("grade_source") == "automatic":
                actual += str(_(" (graded automatically: in a hardship group)"))
            return actual
        case Ref(name):
            return _("{label} ({detail})").format(
                label=named.labels.get(name, name), detail=why(named.nodes[name], row, named)
            )
        case All(parts):
            return _("; ").join(why(p, row, named) for p in parts)
        case Any_(parts):
            first = next(p for p in parts if test(p, row, named.nodes))
            return why(first, row, named)
        case Not(part):
            return _("not {item}").format(item=need(part, named))
    raise TypeError(node)


def why_not(node: Node, row: Mapping[str, Any], named: Named) -> str:
    """Why a condition that fails for the row fails."""
    match node:
        case Leaf():
            return _("{actual}, needs {need}").format(
                actual=node.describe_actual(row), need=node.describe_need()
            )
        case Ref(name):
            label = named.labels.get(name, name)
            return _("not {label} ({detail})").format(
                label=label, detail=why_not(named.nodes[name], row, named)
            )
        case All(parts):
            failing = [p for p in parts if not test(p, row, named.nodes)]
            return _("; ").join(why_not(p, row, named) for p in failing)
        case Any_(parts):
            return _("none of: {items}").format(
                items=_("; ").join(why_not(p, row, named) for p in parts)
            )
        case Not(part):
            return _("{reason}, which excludes it").format(reason=why(part, row, named))
    raise TypeError(node)
