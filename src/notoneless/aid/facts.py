"""The vocabulary of facts a policy pack's conditions may use, and how each reads in an explanation.

A fact is one column of the frame ``aid.bulk.read_facts`` builds: one row per student enrolled in the term.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from notoneless.registry import choices

FactType = Literal["text", "choice", "int", "bool"]


@dataclass(frozen=True)
class Fact:
    type: FactType
    label: str | Promise
    values: dict[str, str | Promise] = field(default_factory=dict)

    def show(self, value: object) -> str:
        if value is None or value == "":
            return str(_("none"))
        if self.type == "bool":
            return str(_("yes")) if value else str(_("no"))
        if self.values:
            return str(self.values.get(str(value), value))
        return str(value)


def _labels(enum: type[choices.models.TextChoices]) -> dict[str, str | Promise]:
    return {str(v): label for v, label in enum.choices if v != ""}


FACTS: dict[str, Fact] = {
    "stage": Fact("choice", _("stage"), _labels(choices.Stage)),
    "grade": Fact("int", _("grade")),
    "boarding": Fact("bool", _("boarder")),
    "hukou_type": Fact("choice", _("hukou type"), _labels(choices.HukouType)),
    "major": Fact("text", _("major")),
    "major_category": Fact("text", _("major category")),
    "poverty_status": Fact("choice", _("poverty status"), _labels(choices.PovertyStatus)),
    "poverty_exit_year": Fact("int", _("year the household exited poverty")),
    "dibao": Fact("choice", _("minimum-living allowance"), _labels(choices.Dibao)),
    "tekun": Fact("bool", _("extreme-poverty support")),
    "orphan": Fact("bool", _("orphan")),
    "disabled": Fact("bool", _("disabled")),
    "in_distress": Fact("bool", _("child in distress")),
    "hardship_grade": Fact("choice", _("hardship grade"), _labels(choices.HardshipGrade)),
    "identified_grade": Fact(
        "choice", _("hardship grade identified"), _labels(choices.HardshipGrade)
    ),
    "tuition_fen": Fact("int", _("school tuition per term (fen)")),
    "school_locality": Fact("choice", _("school locality"), _labels(choices.Locality)),
}
