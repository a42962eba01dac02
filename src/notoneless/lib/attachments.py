"""What an attachment may be: a photo or a PDF, under a size limit, recognised by its first bytes (never
by the name or the type the browser claims). No Django here."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KINDS", "MAX_BYTES", "AttachmentRefused", "Checked", "check_attachment"]

MAX_BYTES = 10 * 1024 * 1024  # a phone photo is 2-5 MB; a scanned form a few hundred kB
# kind -> (leading bytes, at offset, suffix)
KINDS = {
    "jpeg": (b"\xff\xd8\xff", 0, ".jpg"),
    "png": (b"\x89PNG\r\n\x1a\n", 0, ".png"),
    "webp": (b"WEBP", 8, ".webp"),
    "pdf": (b"%PDF-", 0, ".pdf"),
}


class AttachmentRefused(ValueError):
    """Not an image or PDF, empty, or too large; the message says which (Chinese / English)."""


@dataclass(frozen=True)
class Checked:
    kind: str
    suffix: str
    size: int


def check_attachment(head: bytes, size: int, *, name: str, max_bytes: int = MAX_BYTES) -> Checked:
    """Check a file from its first bytes (at least 16) and its size; ``name`` is only for the message."""
    if size == 0:
        raise AttachmentRefused(f"{name}：文件是空的 / the file is empty")
    if size > max_bytes:
        limit = max_bytes // (1024 * 1024)
        raise AttachmentRefused(f"{name}：文件超过 {limit} MB / the file is over {limit} MB")
    for kind, (magic, offset, suffix) in KINDS.items():
        if head[offset : offset + len(magic)] == magic:
            if kind == "webp" and not head.startswith(b"RIFF"):
                continue
            return Checked(kind, suffix, size)
    raise AttachmentRefused(
        f"{name}：只接受照片（JPEG、PNG、WebP）或 PDF / only photos (JPEG, PNG, WebP) or PDF"
    )
