from pathlib import Path
from typing import Any

import pytest

from web.county import county

__all__ = ["county"]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    """Each test stores attachments in a folder of its own, to see exactly what it stored."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
