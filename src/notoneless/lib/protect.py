"""Field protection without Django: Fernet encryption, keyed lookup hashes and masks.

A sensitive value is stored three ways: the Fernet token (only way back to the value), an HMAC-SHA256
lookup hash (exact search and uniqueness without decrypting), and the masked form shown on screen.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

from cryptography.fernet import Fernet, MultiFernet

PARALLEL_THRESHOLD = 40_000


class FieldCipher:
    def __init__(self, fernet_keys: Sequence[str], lookup_key: bytes) -> None:
        if not fernet_keys:
            raise ValueError("at least one field key is needed")
        self._keys = list(fernet_keys)
        self._fernet = MultiFernet([Fernet(k) for k in fernet_keys])
        self._lookup_key = lookup_key

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._lookup_key, value.encode(), hashlib.sha256).hexdigest()

    def encrypt_many(self, values: Sequence[str]) -> list[str]:
        """Encrypt a column; blank values stay blank. Large columns use both cores."""
        if len(values) < PARALLEL_THRESHOLD:
            return [self.encrypt(v) if v else "" for v in values]
        half = len(values) // 2
        with ProcessPoolExecutor(max_workers=2) as pool:
            parts = pool.map(_encrypt_chunk, [self._keys] * 2, [values[:half], values[half:]])
            return [token for part in parts for token in part]

    def lookup_hashes(self, values: Iterable[str]) -> list[str]:
        return [self.lookup_hash(v) if v else "" for v in values]


def _encrypt_chunk(keys: list[str], values: Sequence[str]) -> list[str]:
    fernet = MultiFernet([Fernet(k) for k in keys])
    return [fernet.encrypt(v.encode()).decode() if v else "" for v in values]


def mask_id_number(value: str) -> str:
    """Resident ID: region (first 6) and last 4 shown, the birth date hidden."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:]
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_card_number(value: str) -> str:
    """Bank card: first 6 and last 4."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * (len(value) - 4) + value[-4:]
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_student_number(value: str) -> str:
    """G (and ID-like J) numbers carry a resident ID: masked like one. L numbers are shown as they are."""
    if value[:1].upper() in {"G", "J"} and len(value) > 10:
        return value[0] + mask_id_number(value[1:])
    return value
