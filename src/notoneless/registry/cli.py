"""What every command that names a child needs: the student, found as the pages find one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from notoneless.registry.models import Student
from notoneless.registry.selectors import search_students

__all__ = ["find_student"]


def find_student(user: Any, text: str, school_code: str | None = None) -> Student:
    """A student in the user's scope by student number, resident ID (or its last digits) or name;
    ``school_code`` tells apart two children of one name by this term's school."""
    found = search_students(user, text, limit=2 if not school_code else 50)
    if school_code:
        found = [
            s
            for s in found
            if any(e.school.code == school_code for e in getattr(s, "current_enrollments", []))
        ]
    where = f" at school {school_code}" if school_code else ""
    if not found:
        raise CommandError(f"no student {text!r}{where} in your scope / 找不到该学生")
    if len(found) > 1:
        raise CommandError(
            f"{text!r} matches several students{where}; give the student number / 请给出学籍号"
        )
    return found[0]
