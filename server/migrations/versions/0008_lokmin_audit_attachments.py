"""lokmin_audit (who changed a lokmin meeting or agreement, when, what) and lokmin_attachment

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 06:30:00.000000

Written by the lokmin helper alongside other helpers' 0007 migrations: the lead re-chains them.
"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lokmin_audit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lokmin_audit")),
    )
    op.create_index(op.f("ix_lokmin_audit_meeting_id"), "lokmin_audit", ["meeting_id"])
    op.create_table(
        "lokmin_attachment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lokmin_attachment")),
    )
    op.create_index(op.f("ix_lokmin_attachment_meeting_id"), "lokmin_attachment", ["meeting_id"])


def downgrade():
    op.drop_index(op.f("ix_lokmin_attachment_meeting_id"), table_name="lokmin_attachment")
    op.drop_table("lokmin_attachment")
    op.drop_index(op.f("ix_lokmin_audit_meeting_id"), table_name="lokmin_audit")
    op.drop_table("lokmin_audit")
