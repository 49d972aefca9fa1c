"""Issue #16: record.quality_flag with an index on (kind, quality_flag, updated_at), so that Mutu
data finds the visits it lists (an implausible value, or re-measured and kept) at district scale
instead of filtering every visit's JSON; sasaran_proyeksi (the projected balita of a desa and
year, with its source) for /rekonsiliasi

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 08:10:00.000000

The model keeps the column with every assignment of ``fields`` (``server.models.quality_flag_of``);
the child visits already stored get it from their fields here.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _backfill():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        flagged = (
            "EXISTS (SELECT 1 FROM json_array_elements_text("
            "CASE WHEN json_typeof(fields->'flags') = 'array' THEN fields->'flags' "
            "ELSE '[]'::json END) AS flag WHERE flag LIKE 'implausible\\_%')"
            " OR (fields->>'remeasured') = 'true'"
        )
    else:
        flagged = (
            "EXISTS (SELECT 1 FROM json_each(CASE WHEN json_type(fields, '$.flags') = 'array' "
            "THEN json_extract(fields, '$.flags') ELSE '[]' END) AS flag "
            "WHERE flag.value LIKE 'implausible\\_%' ESCAPE '\\')"
            " OR json_type(fields, '$.remeasured') = 'true'"
        )
    op.execute(
        f"UPDATE record SET quality_flag = true WHERE kind = 'child_visit' AND ({flagged})"
    )


def upgrade():
    with op.batch_alter_table('record', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('quality_flag', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            'ix_record_kind_quality_flag', ['kind', 'quality_flag', 'updated_at'], unique=False
        )
    _backfill()
    op.create_table(
        'sasaran_proyeksi',
        sa.Column('desa_code', sa.String(length=10), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('balita', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('entered_by', sa.String(length=64), nullable=False),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('desa_code', 'year'),
    )
    op.create_index('ix_sasaran_proyeksi_year', 'sasaran_proyeksi', ['year'], unique=False)


def downgrade():
    op.drop_index('ix_sasaran_proyeksi_year', table_name='sasaran_proyeksi')
    op.drop_table('sasaran_proyeksi')
    with op.batch_alter_table('record', schema=None) as batch_op:
        batch_op.drop_index('ix_record_kind_quality_flag')
        batch_op.drop_column('quality_flag')
