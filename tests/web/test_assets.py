"""The app serves its own JavaScript (no CDN: it runs on networks without internet): the vendored files
are the releases versions.toml names, with their licences, and no template loads anything from
elsewhere."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

import notoneless

PACKAGE = Path(notoneless.__file__).resolve().parent
VENDOR = PACKAGE / "web" / "static" / "vendor"


def test_every_vendored_file_is_the_named_release_with_its_licence() -> None:
    versions = tomllib.loads((VENDOR / "versions.toml").read_text(encoding="utf-8"))
    assert set(versions) == {"htmx", "echarts"}
    for name, spec in versions.items():
        built = VENDOR / name / Path(spec["file"]).name
        assert hashlib.sha256(built.read_bytes()).hexdigest() == spec["sha256"], name
        assert (VENDOR / name / "LICENSE").stat().st_size > 100, name


def test_no_template_loads_a_script_style_or_font_from_another_host() -> None:
    outside = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)
    for template in PACKAGE.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        assert not outside.search(text), template.relative_to(PACKAGE)
