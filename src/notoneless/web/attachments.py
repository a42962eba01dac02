"""Attachments (photos of a visit, a signed form, a guardian's signature) kept with Django's default
storage: files under ``MEDIA_ROOT/attachments/`` by default, object storage when ``STORAGES["default"]``
names such a backend. A stored file gets a random name of its own; the original name is only kept
as data. Files are never served from a public URL: each app's view checks scope, then streams them."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core.files.base import File
from django.core.files.storage import default_storage

from notoneless.lib.attachments import MAX_BYTES, AttachmentRefused, check_attachment

__all__ = ["AttachmentRefused", "Stored", "open_attachment", "store_attachment"]

HEAD_BYTES = 16


@dataclass(frozen=True)
class Stored:
    path: str  # the name in the storage
    original_name: str
    kind: str
    size: int
    sha256: str


def store_attachment(upload: File, *, folder: str, max_bytes: int = MAX_BYTES) -> Stored:
    """Check the upload (type by its first bytes, size) and save it under ``attachments/<folder>/``.
    Refuses with ``AttachmentRefused`` and stores nothing when it is not a photo or PDF or too large."""
    name = (upload.name or "file").rsplit("/", 1)[-1][:100]
    size = upload.size or 0
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    checked = check_attachment(head, size, name=name, max_bytes=max_bytes)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    target = f"attachments/{folder}/{secrets.token_hex(16)}{checked.suffix}"
    path = default_storage.save(target, upload)
    return Stored(path, name, checked.kind, size, digest.hexdigest())


def open_attachment(path: str) -> File:
    return default_storage.open(path, "rb")
