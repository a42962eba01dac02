"""The import documentation and its sample files stay true to the field definitions."""

from pathlib import Path

import pytest

from notoneless.registry.imports import KINDS, import_file
from notoneless.registry.imports.spec import kinds

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_kind_and_field_is_documented():
    text = (DOCS / "import-formats.md").read_text(encoding="utf-8")
    for kind, spec in kinds().items():
        assert f"`{kind}`" in text
        for field in spec.fields.values():
            assert f"`{field.name}`" in text and field.aliases[0] in text


@pytest.mark.django_db
def test_every_sample_file_imports_in_the_documented_order():
    for kind in KINDS:
        result = import_file(kind, DOCS / "samples" / f"{kind}.csv", term="2020-autumn")
        assert result.outcome == "imported", (kind, result.as_dict())
