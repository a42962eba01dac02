from pathlib import Path

import pytest

from care.county import Care, add_care
from web.county import County, county

__all__ = ["care", "county"]


@pytest.fixture
def care(county: County, tmp_path: Path) -> Care:
    return add_care(county, tmp_path)
