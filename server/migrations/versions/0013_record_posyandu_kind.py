"""record index on (posyandu_id, kind): one posyandu's balita and visits (Ringkasan of a posyandu)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:45:00.000000

Without it SQLite (no planner statistics) answers "the child visits of this posyandu" through
the kind indexes, walking every visit of the kabupaten: 1.5 s at district scale instead of a few
milliseconds.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_record_posyandu_id_kind", "record", ["posyandu_id", "kind"], unique=False)


def downgrade():
    op.drop_index("ix_record_posyandu_id_kind", table_name="record")
