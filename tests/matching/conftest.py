from pathlib import Path
from typing import Any

import pytest

from matching.linkage_county import build_matching_county
from web.county import FAST_HASHERS, County, county

__all__ = ["county", "matching_county"]


@pytest.fixture
def matching_county(db: None, tmp_path: Path, settings: Any) -> County:
    """The web county plus noisy registers and a twin (see ``linkage_county``)."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return build_matching_county(tmp_path)
