"""Attachment files: type sniffing, safe names, the private folder, a meeting's attachments.

See ``attachments`` for the routes. Files are kept by a random id (0600 in a 0700 folder) under
``LOKMIN_ATTACHMENT_DIR`` / ``POSYANDU_ATTACHMENT_DIR`` (default ``<instance>/lampiran``).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from server.extensions import db
from server.web.lokmin.models import LokminAttachment

MAX_BYTES = 10 * 1024 * 1024
# The request may carry the file plus the form's other fields and multipart framing.
MAX_REQUEST = MAX_BYTES + 256 * 1024
LABELS = ("notulen", "kesepakatan", "foto", "lainnya")
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def sniff(data: bytes) -> str | None:
    """Return the content type the bytes really are (PDF, JPEG, PNG), or None."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff") and data.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and b"IEND" in data[-16:]:
        return "image/png"
    return None


def clean_name(name: str | None, content_type: str) -> str:
    """Return a safe display name: no path, no control or bidi characters, the right extension."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    ascii_only = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_\- .()]", "_", os.path.splitext(ascii_only)[0])
    stem = stem.strip(" ._")[:80] or "lampiran"
    return f"{stem}.{EXTENSIONS[content_type]}"


def storage_dir() -> Path:
    """Return the private folder of attachments (created 0700)."""
    folder = Path(
        current_app.config.get("LOKMIN_ATTACHMENT_DIR")
        or os.environ.get("POSYANDU_ATTACHMENT_DIR")
        or Path(current_app.instance_path) / "lampiran"
    )
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def store_file(key: str, data: bytes) -> None:
    path = storage_dir() / key
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def meeting_attachments(meeting_id: str) -> list[LokminAttachment]:
    """Return a meeting's live attachments (the caller has checked the meeting's scope)."""
    query = sa.select(LokminAttachment).where(
        LokminAttachment.meeting_id == meeting_id, LokminAttachment.deleted.is_(False)
    )
    return list(db.session.execute(query.order_by(LokminAttachment.uploaded_at)).scalars())
