"""What an uploaded file really is: its first bytes must match its extension (shared/quality.md).

One registry of file types for every upload in the product (assessment evidence, supervisors'
certificates, CPD evidence); each area chooses its own allow-list from it.
"""

import zipfile
from collections.abc import Callable
from dataclasses import dataclass


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


FILE_TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", _is_pdf, "PDF document"),
    ".docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _is_docx, "Word document"
    ),
    ".mp3": FileType("audio/mpeg", _is_mp3, "MP3 audio"),
    ".m4a": FileType("audio/mp4", _is_iso_media, "M4A audio"),
    ".mp4": FileType("video/mp4", _is_iso_media, "MP4 video"),
    ".wav": FileType("audio/wav", _is_wav, "WAV audio"),
    ".jpg": FileType("image/jpeg", _is_jpeg, "JPEG image"),
    ".jpeg": FileType("image/jpeg", _is_jpeg, "JPEG image"),
    ".png": FileType("image/png", _is_png, "PNG image"),
}


def content_matches(upload, extension: str) -> bool:
    """True when the upload's content is what `extension` (".pdf", ...) says it is."""
    file_type = FILE_TYPES[extension]
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    return file_type.matches(head, upload)
