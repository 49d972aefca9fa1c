"""Issue #16: hari_buka, each posyandu's stored day of the month it opens (set by its
puskesmas), the denominator of Evaluasi mingguan and the week of Rekonsiliasi's weekly gap;
weighing_day, the app's weighings per posyandu and day kept on write, for Rekonsiliasi

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
    op.create_table(
        "weighing_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("posyandu_id", sa.String(length=64), nullable=False),
        sa.Column("weighings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "posyandu_id"),
    )
    # the visits already stored (the write path keeps it from now on)
    postgres = op.get_bind().dialect.name == "postgresql"
    weighed = "(fields->>'weight_kg')" if postgres else "json_extract(fields, '$.weight_kg')"
    op.execute(
        "INSERT INTO weighing_day (day, posyandu_id, weighings) "
        "SELECT event_date, posyandu_id, count(*) FROM record "
        f"WHERE kind = 'child_visit' AND NOT deleted AND {weighed} IS NOT NULL "
        "AND posyandu_id IS NOT NULL AND event_date IS NOT NULL "
        "GROUP BY event_date, posyandu_id"
    )


def downgrade():
    op.drop_table("weighing_day")
    op.drop_table("hari_buka")
