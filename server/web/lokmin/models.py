"""Lokmin tables outside the synced records: the audit trail of web edits and the attachments.

Both hang on a meeting (``meeting_id``): a user reads them only when the meeting (deleted or not) is
in the user's read scope, so they need no scope columns of their own beyond the kecamatan kept for
reports. Migration: server/migrations/versions/0008_lokmin_audit_attachments.py.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from server.extensions import db
from server.models import UtcDateTime, utcnow


class LokminAudit(db.Model):
    """Who changed a lokmin meeting, agreement or attachment, when, and what (old → new)."""

    __tablename__ = "lokmin_audit"
    id: so.Mapped[int] = so.mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    meeting_id: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    record_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))  # lokmin_meeting/_agreement, attachment
    action: so.Mapped[str] = so.mapped_column(sa.String(16))  # create, update, delete
    actor: so.Mapped[str] = so.mapped_column(sa.String(64))
    at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)
    # {field: [old, new]} (values as stored), or {"filename": [None, name]} for an attachment.
    changes: so.Mapped[dict] = so.mapped_column(sa.JSON)


class LokminAttachment(db.Model):
    """A file kept with a meeting: the minutes or the photo of the signed agreement."""

    __tablename__ = "lokmin_attachment"
    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)
    meeting_id: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    label: so.Mapped[str] = so.mapped_column(sa.String(16))  # notulen, kesepakatan, foto, lainnya
    filename: so.Mapped[str] = so.mapped_column(sa.String(200))  # cleaned, for display only
    content_type: so.Mapped[str] = so.mapped_column(sa.String(40))  # sniffed from the bytes
    size: so.Mapped[int] = so.mapped_column(sa.Integer)
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    uploaded_by: so.Mapped[str] = so.mapped_column(sa.String(64))
    uploaded_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)
    deleted: so.Mapped[bool] = so.mapped_column(default=False)
