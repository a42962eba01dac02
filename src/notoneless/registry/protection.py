"""The project's field cipher, built once from the configured keys, and helpers for the three columns."""

from __future__ import annotations

from functools import cache

from notoneless import config
from notoneless.lib.protect import FieldCipher


@cache
def cipher() -> FieldCipher:
    return FieldCipher(config.field_keys(), config.lookup_key())


def lookup_hash(value: str) -> str:
    """The keyed hash of a normalised value, as stored in ``<field>_hash`` columns ('' for blank)."""
    return cipher().lookup_hash(value) if value else ""


def decrypt(token: str) -> str:
    return cipher().decrypt(token) if token else ""
