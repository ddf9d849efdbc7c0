"""Checks for uploaded evidence (recordings and documents), following shared/quality.md.

An allow-list of extensions, a size cap (settings.EVIDENCE_MAX_UPLOAD_MB), and content whose first bytes match
the extension. The stored name is chosen by the server (see `evidence_upload_to`); the uploader's file name is
kept only as a label and as the download name.
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from accounts.uploads import FILE_TYPES, FileType

DEFAULT_MAX_UPLOAD_MB = 200


ALLOWED_TYPES: dict[str, FileType] = {
    extension: FILE_TYPES[extension]
    for extension in (".pdf", ".docx", ".mp3", ".m4a", ".mp4", ".wav", ".jpg", ".png")
}
ALLOWED_DESCRIPTION = "PDF, Word (.docx), MP3, M4A, MP4, WAV, JPG or PNG"


def max_upload_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    extension: str
    content_type: str
    size: int
    sha256: str
    original_name: str


def clean_original_name(name: str) -> str:
    """The uploader's file name as a safe label: no path, no control characters, at most 200 characters."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if len(cleaned) > 200:
        stem, dot, extension = cleaned.rpartition(".")
        cleaned = (stem[: 199 - len(extension)] + dot + extension) if dot else cleaned[:200]
    return cleaned or "evidence"


def check_upload(upload) -> CheckedUpload:
    """Refuse anything not on the allow-list, too big, or whose content does not match its extension."""
    name = clean_original_name(upload.name or "")
    extension = PurePath(name).suffix.lower()
    file_type = ALLOWED_TYPES.get(extension)
    if file_type is None:
        raise ValidationError(
            f"“{name}” is not a file type you can upload. Upload a {ALLOWED_DESCRIPTION} file."
        )
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(f"“{name}” is larger than {filesizeformat(limit)}. Upload a smaller file.")
    if upload.size == 0:
        raise ValidationError(f"“{name}” is empty.")
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if not file_type.matches(head, upload):
        raise ValidationError(
            f"“{name}” does not look like a {file_type.description}: "
            "its content does not match its extension."
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        extension=extension,
        content_type=file_type.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        original_name=name,
    )
