from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from notoneless.registry.imports.issues import IssueLog
from notoneless.registry.models import Term


@dataclass
class ImportContext:
    kind: str
    log: IssueLog
    titles: dict[str, str]  # field -> header text in the file, for messages
    started_at: datetime
    acting_user: Any = None
    term_code: str | None = None
    term: Term | None = None

    def title(self, field_name: str) -> str:
        return self.titles.get(field_name, field_name)
