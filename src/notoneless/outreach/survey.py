"""The awareness survey (``rules/survey.toml``): its questions as data, loaded and validated here."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated

from django.utils.translation import get_language
from pydantic import BaseModel, ConfigDict, Field, field_validator

from notoneless.lib.rulesfile import RulesError, load_model

__all__ = ["SURVEY_FILE", "Question", "Survey", "SurveyError", "default_survey", "load_survey"]

SURVEY_FILE = Path(__file__).resolve().parent / "rules" / "survey.toml"
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=_CODE.pattern)]


class SurveyError(RulesError):
    """The survey file is malformed; the message names the file and the key."""


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    text: str = Field(min_length=1)
    english: str = Field(min_length=1)
    programs: tuple[Code, ...] = ()

    @property
    def shown(self) -> str:
        """The question in the language of the screen (Chinese unless it is English)."""
        return self.english if (get_language() or "").startswith("en") else self.text


class Survey(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1)

    @field_validator("questions")
    @classmethod
    def _codes_once(cls, questions: tuple[Question, ...]) -> tuple[Question, ...]:
        codes = [q.code for q in questions]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"each question code may appear once: {', '.join(twice)}")
        return questions

    @property
    def by_code(self) -> dict[str, Question]:
        return {q.code: q for q in self.questions}

    @property
    def programs(self) -> set[str]:
        return {p for q in self.questions for p in q.programs}


def load_survey(path: Path = SURVEY_FILE) -> Survey:
    """Read and check a survey file: unique codes, each question with its text, no unknown key."""
    return load_model(path, Survey, SurveyError)


@cache
def default_survey() -> Survey:
    return load_survey()
