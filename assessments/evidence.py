"""Checks for uploaded evidence (recordings and documents), following shared/quality.md.

An allow-list of extensions, a size cap (settings.EVIDENCE_MAX_UPLOAD_MB), and content whose first bytes match
the extension. The stored name is chosen by the server (see `evidence_upload_to`); the uploader's file name is
kept only as a label and as the download name.
"""

import hashlib
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

DEFAULT_MAX_UPLOAD_MB = 200


def _is_pdf(head: bytes, upload) -> bool:
    return head.startswith(b"%PDF-")


def _is_docx(head: bytes, upload) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    # Read only the zip's central directory: a Word document holds word/document.xml.
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _is_mp3(head: bytes, upload) -> bool:
    # An ID3 tag, or an MPEG audio frame sync (eleven set bits).
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def _is_iso_media(head: bytes, upload) -> bool:
    # MP4 and M4A are ISO base media files: a size, then the `ftyp` box.
    return head[4:8] == b"ftyp"


def _is_wav(head: bytes, upload) -> bool:
    return head.startswith(b"RIFF") and head[8:12] == b"WAVE"


def _is_jpeg(head: bytes, upload) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_png(head: bytes, upload) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


@dataclass(frozen=True)
class FileType:
    content_type: str
    matches: Callable[[bytes, object], bool]
    description: str


ALLOWED_TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", _is_pdf, "PDF document"),
    ".docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _is_docx, "Word document"
    ),
    ".mp3": FileType("audio/mpeg", _is_mp3, "MP3 audio"),
    ".m4a": FileType("audio/mp4", _is_iso_media, "M4A audio"),
    ".mp4": FileType("video/mp4", _is_iso_media, "MP4 video"),
    ".wav": FileType("audio/wav", _is_wav, "WAV audio"),
    ".jpg": FileType("image/jpeg", _is_jpeg, "JPEG image"),
    ".png": FileType("image/png", _is_png, "PNG image"),
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
