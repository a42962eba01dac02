"""Importing register files: ``import_file(kind, path, ...)`` is the one entry point for the CLI, the web
and tests. See ``docs/import-formats.md`` for the layouts."""

from notoneless.registry.imports.runner import KINDS, ImportRefused, ImportResult, import_file

__all__ = ["KINDS", "ImportRefused", "ImportResult", "import_file"]
