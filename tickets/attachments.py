"""Attachment files: the type by content sniffing, limits from the settings, storage under the
data dir by random names. Pure file handling; the rows are written by the services.

Content sniffing, not the name: a renamed executable is not a PDF because it ends in ``.pdf``.
The name's extension must also agree with the sniffed type, so the citizen's mail program
opens the file as what it is.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from tickets.exceptions import TicketInvalid

# Magic bytes → type, and the extensions a name of that type may carry.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
FIELD = "attachments"


@dataclass(frozen=True)
class AttachmentUpload:
    """A file as a form or the API received it (bounded by the size limit before reading)."""

    name: str
    content: bytes


@dataclass(frozen=True)
class CheckedAttachment:
    filename: str
    content_type: str
    content: bytes
    sha256: str


def sniff(content: bytes) -> str | None:
    """The type the content is, by its first bytes; None for anything not recognised."""
    for magic, content_type in SIGNATURES:
        if content.startswith(magic):
            return content_type
    return None


def _clean_name(name: str) -> str:
    # No directories, no control characters; the stored name is random anyway.
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(
        c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C"
    )
    return base.strip()[:200] or "anhang"


def attachment_size_error(name: str, size: int) -> str | None:
    """The message for a file over the size limit (checked before a form reads it)."""
    limit = settings.CALLCENTER_ATTACHMENT_MAX_BYTES
    if size <= limit:
        return None
    return _("%(name)s is larger than the limit of %(limit)s MB.") % {
        "name": _clean_name(name),
        "limit": f"{limit / 1024 / 1024:.1f}".replace(".", ","),
    }


def attachment_check(upload: AttachmentUpload) -> CheckedAttachment:
    """Refuse what the settings do not allow, naming the file and the limit (field
    ``attachments``)."""
    name = _clean_name(upload.name)
    too_large = attachment_size_error(upload.name, len(upload.content))
    if too_large:
        raise TicketInvalid.for_field(FIELD, too_large)
    if not upload.content:
        raise TicketInvalid.for_field(FIELD, _("%(name)s is empty.") % {"name": name})
    content_type = sniff(upload.content)
    allowed = settings.CALLCENTER_ATTACHMENT_TYPES
    if content_type is None or content_type not in allowed:
        raise TicketInvalid.for_field(
            FIELD,
            _("%(name)s is not an allowed file type. Allowed: %(types)s.")
            % {"name": name, "types": allowed_extensions_text()},
        )
    if not name.lower().endswith(EXTENSIONS[content_type]):
        raise TicketInvalid.for_field(
            FIELD,
            _("%(name)s is a %(kind)s file but its name does not end in %(ext)s.")
            % {
                "name": name,
                "kind": EXTENSIONS[content_type][0].lstrip(".").upper(),
                "ext": " / ".join(EXTENSIONS[content_type]),
            },
        )
    return CheckedAttachment(
        filename=name,
        content_type=content_type,
        content=upload.content,
        sha256=hashlib.sha256(upload.content).hexdigest(),
    )


def attachments_check(uploads: list[AttachmentUpload]) -> list[CheckedAttachment]:
    if len(uploads) > settings.CALLCENTER_ATTACHMENT_MAX_COUNT:
        raise TicketInvalid.for_field(
            FIELD,
            _("At most %(count)s attachments per response.")
            % {"count": settings.CALLCENTER_ATTACHMENT_MAX_COUNT},
        )
    return [attachment_check(upload) for upload in uploads]


def allowed_extensions_text() -> str:
    return ", ".join(
        ext.lstrip(".").upper()
        for content_type in settings.CALLCENTER_ATTACHMENT_TYPES
        for ext in EXTENSIONS.get(content_type, ())[:1]
    )


def attachment_path(storage_name: str) -> Path:
    directory = Path(settings.CALLCENTER_ATTACHMENT_DIR)
    return directory / storage_name[:2] / storage_name


def attachment_file_write(content: bytes) -> str:
    """Write the content under a new random name; returns that name."""
    storage_name = secrets.token_hex(24)
    path = attachment_path(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    temporary.write_bytes(content)
    temporary.replace(path)
    return storage_name


def attachment_file_delete(storage_name: str) -> None:
    attachment_path(storage_name).unlink(missing_ok=True)


def attachment_file_read(storage_name: str) -> bytes | None:
    try:
        return attachment_path(storage_name).read_bytes()
    except FileNotFoundError:
        return None
