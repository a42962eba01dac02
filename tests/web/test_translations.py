"""Every UI string has a Chinese translation, and the committed ``django.mo`` matches ``django.po``.

Chinese is the default language, so a msgid without a translation shows English to a Chinese clerk.
With GNU gettext on the machine, ``makemessages`` extracts every msgid exactly as Django does; without
it, a smaller extractor written here covers the common forms, so a fresh machine still checks.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

import notoneless

PACKAGE = Path(notoneless.__file__).resolve().parent
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
HEADER = ""


# --- reading a .po file --------------------------------------------------------------------------


def parse_po(text: str) -> dict[str, dict[str, object]]:
    """Entries by msgid (``context\\x04msgid`` with a context): msgstr list and fuzzy flag."""
    entries: dict[str, dict[str, object]] = {}
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        fields = _fields(lines)
        msgid = fields.get("msgid", "")
        if "msgctxt" in fields:
            msgid = f"{fields['msgctxt']}\x04{msgid}"
        strings = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        entries[msgid] = {"msgstr": strings, "fuzzy": fuzzy, "plural": "msgid_plural" in fields}
    return entries


def _fields(lines: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    key = ""
    for line in lines:
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            key = match.group(1)
            fields[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            fields[key] += ast.literal_eval(line)
    return fields


def _untranslated(entries: dict[str, dict[str, object]]) -> list[str]:
    return sorted(
        msgid
        for msgid, entry in entries.items()
        if msgid != HEADER and (entry["fuzzy"] or not all(entry["msgstr"]))  # type: ignore[arg-type]
    )


# --- extracting msgids without gettext -----------------------------------------------------------

_STRING = r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
_PY_CALL = re.compile(rf"(?<![\w.])(?:_|gettext|gettext_lazy|gettext_noop)\(\s*{_STRING}\s*[,)]")
_TPL_TRANSLATE = re.compile(rf"{{%\s*(?:translate|trans)\s+{_STRING}")
_TPL_UNDERSCORE = re.compile(rf"_\({_STRING}\)")
_TPL_BLOCK = re.compile(
    r"{%\s*(?:blocktranslate|blocktrans)\b(?P<args>.*?)%}(?P<body>.*?)"
    r"{%\s*(?:endblocktranslate|endblocktrans)\s*%}",
    re.S,
)


def extract_msgids() -> set[str]:
    """The msgids of the package's Python code (outside migrations) and templates."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" not in path.parts:
            found |= {ast.literal_eval(s) for s in _PY_CALL.findall(path.read_text("utf-8"))}
    for path in PACKAGE.rglob("templates/**/*.html"):
        text = path.read_text("utf-8")
        found |= {ast.literal_eval(s) for s in _TPL_TRANSLATE.findall(text)}
        found |= {ast.literal_eval(s) for s in _TPL_UNDERSCORE.findall(text)}
        found |= {_block_msgid(m.group("args"), m.group("body")) for m in _TPL_BLOCK.finditer(text)}
    return found


def _block_msgid(args: str, body: str) -> str:
    """A blocktranslate body as Django's extractor writes it (singular form for plurals)."""
    singular = re.split(r"{%\s*plural\s*%}", body)[0]
    msgid = re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", singular.replace("%", "%%"))
    if re.search(r"\btrimmed\b", args):
        msgid = re.sub(r"\s*\n\s*", " ", msgid.strip())
    return msgid


# --- tests ---------------------------------------------------------------------------------------


def test_every_message_in_the_catalogue_has_a_chinese_translation() -> None:
    entries = parse_po(PO.read_text("utf-8"))
    assert len(entries) > 100
    assert _untranslated(entries) == []


def test_every_message_in_code_and_templates_is_in_the_catalogue() -> None:
    translated = {m for m, e in parse_po(PO.read_text("utf-8")).items() if all(e["msgstr"])}  # type: ignore[arg-type]
    missing = sorted(extract_msgids() - translated)
    assert missing == [], f"add these to {PO.relative_to(PACKAGE.parent)} and translate them"


def test_the_extractor_sees_model_choices_roles_and_templates() -> None:
    msgids = extract_msgids()
    expected = {"Registered poor", "Township officer", "County overview", "Teaching point"}
    assert expected <= msgids
    assert "%(start)s–%(end)s school year, %(season)s" in msgids  # a trimmed blocktranslate


def test_the_committed_mo_matches_the_po() -> None:
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for msgid, entry in parse_po(PO.read_text("utf-8")).items():
        strings = entry["msgstr"]
        assert isinstance(strings, list)
        if msgid == HEADER:
            continue
        if entry["plural"]:
            compiled = [catalogue.get((msgid, i)) for i in range(len(strings))]
        else:
            compiled = [catalogue.get(msgid)]
        if compiled != strings:
            stale.append(msgid)
    assert stale == [], "run `notoneless compilemessages` and commit django.mo"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_makemessages_finds_no_message_without_a_chinese_translation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    copy = tmp_path / "notoneless"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [copy / "locale"]  # type: ignore[attr-defined]
    call_command(
        "makemessages", locale=["zh_Hans"], no_location=True, no_obsolete=True, verbosity=0
    )
    merged = parse_po((copy / PO.relative_to(PACKAGE)).read_text("utf-8"))
    assert _untranslated(merged) == []
