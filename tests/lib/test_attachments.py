from __future__ import annotations

import pytest

from notoneless.lib.attachments import AttachmentRefused, check_attachment

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 "
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


@pytest.mark.parametrize(
    ("head", "kind"), [(JPEG, "jpeg"), (PNG, "png"), (WEBP, "webp"), (PDF, "pdf")]
)
def test_photos_and_pdfs_are_recognised_by_their_first_bytes(head: bytes, kind: str):
    assert check_attachment(head, 1000, name="x.bin").kind == kind


@pytest.mark.parametrize(
    ("head", "size", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 12, 1000, "只接受照片"),  # a zip (or an .xlsx) named .jpg
        (b"MZ" + b"\x00" * 14, 1000, "只接受照片"),
        (b"WEBPWEBPWEBPWEBP", 1000, "只接受照片"),
        (JPEG, 0, "空的"),
        (JPEG, 11 * 1024 * 1024, "超过 10 MB"),
    ],
)
def test_anything_else_is_refused_naming_the_file(head: bytes, size: int, message: str):
    with pytest.raises(AttachmentRefused, match=message) as refused:
        check_attachment(head, size, name="家访照片.jpg")
    assert "家访照片.jpg" in str(refused.value)
