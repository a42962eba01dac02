from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from outreach.outreach_county import more_households
from web.county import County, county

__all__ = ["county", "outreach_county"]


@pytest.fixture
def outreach_county(county: County, tmp_path: Path) -> County:
    """``county`` with H004 and H005 in township B and a township officer for township B."""
    more_households(county, tmp_path)
    return county


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Refusals are compared in English (the msgids); the pages choose their own language."""
    with translation.override("en"):
        yield
