"""Issue #16: hari_buka, each posyandu's stored day of the month it opens (set by its
puskesmas), the denominator of Evaluasi mingguan and the week of Rekonsiliasi's weekly gap

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 09:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hari_buka",
        sa.Column("posyandu_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("posyandu_id"),
    )


def downgrade():
    op.drop_table("hari_buka")
