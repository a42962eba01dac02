from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notoneless.web.attachments import AttachmentRefused, open_attachment, store_attachment

PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 200


def test_a_photo_is_stored_under_a_name_of_its_own(settings: Any, tmp_path: Any):
    settings.MEDIA_ROOT = tmp_path
    stored = store_attachment(SimpleUploadedFile("../../家访.jpg", PHOTO), folder="care")
    assert stored.path.startswith("attachments/care/") and stored.path.endswith(".jpg")
    assert stored.original_name == "家访.jpg" and stored.kind == "jpeg"
    assert stored.sha256 == hashlib.sha256(PHOTO).hexdigest()
    with open_attachment(stored.path) as f:
        assert f.read() == PHOTO


def test_a_refused_file_stores_nothing(settings: Any, tmp_path: Any):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(AttachmentRefused):
        store_attachment(
            SimpleUploadedFile("form.jpg", b"PK\x03\x04" + b"\x00" * 100), folder="care"
        )
    assert not any(tmp_path.rglob("*.*"))
