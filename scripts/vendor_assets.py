"""Fetch the vendored JavaScript named in ``src/notoneless/web/static/vendor/versions.toml`` from the
npm registry (``npm pack``), check its SHA-256 and copy it with its licence into the vendor folder.

    uv run python scripts/vendor_assets.py [--update]

Without ``--update`` a digest that differs from the file's is an error; with it, the new digest is
printed to put in versions.toml after reviewing the new release. Needs Node's npm (build time only:
the app serves the committed files and never fetches anything)."""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "src" / "notoneless" / "web" / "static" / "vendor"
LICENCE_FILES = ("LICENSE", "NOTICE")


def fetch(name: str, spec: dict[str, str], update: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"{spec['package']}@{spec['version']}", "--silent"],
            cwd=tmp,
            check=True,
            capture_output=True,
        )
        archive = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        package = Path(tmp) / "package"
        built = package / spec["file"]
        digest = hashlib.sha256(built.read_bytes()).hexdigest()
        if digest != spec["sha256"] and not update:
            sys.exit(f"{name}: sha256 {digest} is not the one in versions.toml ({spec['sha256']})")
        target = VENDOR / name
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(built, target / built.name)
        for licence in LICENCE_FILES:
            if (package / licence).exists():
                shutil.copy(package / licence, target / licence)
        print(f"{name} {spec['version']}: {built.name} sha256 {digest}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="accept a new digest")
    args = parser.parse_args()
    versions = tomllib.loads((VENDOR / "versions.toml").read_text(encoding="utf-8"))
    for name, spec in versions.items():
        fetch(name, spec, args.update)


if __name__ == "__main__":
    main()
