"""Import kinds and their fields, read from ``fields.toml`` and ``layouts/*.toml`` (data, not code),
and the mapping of a file's header row onto those fields."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from notoneless.lib.names import to_simplified

HERE = Path(__file__).resolve().parent
HEADER_SCAN_ROWS = 12
_UNIT = re.compile(r"[（(][^）)]*[）)]$")
_NOISE = re.compile(r"[\s_\-*＊:：/、.·]")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    aliases: tuple[str, ...]
    type: str
    required: bool = False
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KindSpec:
    kind: str
    description: str
    fields: dict[str, FieldSpec]


@dataclass(frozen=True)
class Layout:
    """A named export format of a national or provincial system, mapped onto an import kind."""

    name: str
    kind: str
    description: str
    header_row: int | None
    headers: dict[str, str]
    defaults: dict[str, str]


def normalise_header(text: str) -> str:
    simplified = to_simplified([str(text)])[0]
    return _NOISE.sub("", _UNIT.sub("", simplified.strip())).lower()


@cache
def kinds() -> dict[str, KindSpec]:
    raw = tomllib.loads((HERE / "fields.toml").read_text(encoding="utf-8"))
    out = {}
    for kind, body in raw.items():
        fields = {
            name: FieldSpec(
                name=name,
                aliases=tuple(spec["aliases"]),
                type=spec["type"],
                required=spec.get("required", False),
                values={normalise_value(k): v for k, v in spec.get("values", {}).items()},
            )
            for name, spec in body["fields"].items()
        }
        out[kind] = KindSpec(kind, body["description"], fields)
    return out


def normalise_value(text: str) -> str:
    return to_simplified([text.strip()])[0].lower()


class LayoutError(ValueError):
    """A layout file that names a kind or field the importer does not have."""


@cache
def layouts() -> dict[str, Layout]:
    out = {}
    for path in sorted((HERE / "layouts").glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        _check_layout(path.name, raw)
        out[raw["name"]] = Layout(
            name=raw["name"],
            kind=raw["kind"],
            description=raw.get("description", ""),
            header_row=raw.get("header_row"),
            headers=dict(raw.get("headers", {})),
            defaults=dict(raw.get("defaults", {})),
        )
    return out


def _check_layout(file_name: str, raw: dict[str, object]) -> None:
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in kinds():
        raise LayoutError(f"{file_name}: unknown kind {kind!r}")
    known = kinds()[kind].fields
    mapped = dict(raw.get("headers", {}))  # type: ignore[call-overload]
    defaults = dict(raw.get("defaults", {}))  # type: ignore[call-overload]
    for name in [*mapped.values(), *defaults]:
        if name not in known:
            raise LayoutError(f"{file_name}: kind {kind} has no field {name!r}")


@dataclass
class HeaderMatch:
    header_row: int  # spreadsheet row number (1-based) of the header
    columns: dict[str, str]  # field name -> source column id (c0, c1, ...)
    titles: dict[str, str]  # field name -> header text as written in the file
    missing: list[str]  # required fields without a column
    ignored: list[str]  # header texts that matched no field
    duplicated: list[str]  # header texts that matched a field already taken


def alias_index(spec: KindSpec, layout: Layout | None) -> dict[str, str]:
    index: dict[str, str] = {}
    if layout:
        for header, field_name in layout.headers.items():
            index[normalise_header(header)] = field_name
    for f in spec.fields.values():
        for alias in (f.name, *f.aliases):
            index.setdefault(normalise_header(alias), f.name)
    return index


def match_headers(frame: pl.DataFrame, spec: KindSpec, layout: Layout | None = None) -> HeaderMatch:
    """Find the header row (the one naming most known fields) and map its columns onto fields."""
    index = alias_index(spec, layout)
    candidates = range(min(HEADER_SCAN_ROWS, frame.height))
    if layout and layout.header_row:
        candidates = range(layout.header_row - 1, layout.header_row)
    best_row, best_hits = 0, -1
    for i in candidates:
        hits = sum(1 for v in frame.row(i) if v is not None and normalise_header(v) in index)
        if hits > best_hits:
            best_row, best_hits = i, hits
    columns: dict[str, str] = {}
    titles: dict[str, str] = {}
    ignored: list[str] = []
    duplicated: list[str] = []
    if frame.height:
        for column_id, text in zip(frame.columns, frame.row(best_row), strict=True):
            if text is None:
                continue
            field_name = index.get(normalise_header(text))
            if field_name is None:
                ignored.append(text)
            elif field_name in columns:
                duplicated.append(text)
            else:
                columns[field_name] = column_id
                titles[field_name] = text
    missing = [f.name for f in spec.fields.values() if f.required and f.name not in columns]
    return HeaderMatch(best_row + 1, columns, titles, missing, ignored, duplicated)
