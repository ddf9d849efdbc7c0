"""Certificate uploads: an allow-list of types, a size cap, magic bytes that must match the extension, and a
server-chosen name. Files are read back only through a view that checks access (see views.supervision)."""

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError

from accounts.uploads import FILE_TYPES, content_matches

MAX_BYTES = 10 * 1024 * 1024

ALLOWED = ("pdf", "png", "jpg", "jpeg")


def check_certificate(upload) -> tuple[str, str]:
    """Validate an uploaded certificate; return (extension, content type) or raise ValidationError."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ALLOWED:
        raise ValidationError("The certificate must be a PDF, PNG or JPEG file.", code="file_type")
    if upload.size > MAX_BYTES:
        raise ValidationError("The certificate must be smaller than 10 MB.", code="file_size")
    if upload.size == 0:
        raise ValidationError("The certificate file is empty.", code="file_empty")
    content_type = FILE_TYPES[f".{extension}"].content_type
    if not content_matches(upload, f".{extension}"):
        raise ValidationError(
            f"The file's contents are not a {extension.upper()} file, "
            f"although its name ends in .{extension}.",
            code="file_content",
        )
    return extension, content_type


def storage_name(extension: str) -> str:
    """Where the file goes: a random name chosen by the server, never the uploader's file name."""
    return f"supervisor-certificates/{uuid.uuid4().hex}.{extension}"


def safe_display_name(name: str) -> str:
    """The uploader's file name for display and downloads only: no path, no control characters."""
    base = PurePath(name or "certificate").name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"\\/')
    return cleaned[:200] or "certificate"
