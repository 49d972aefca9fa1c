"""indicator_month: per-posyandu (and per-desa) monthly indicator aggregates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

def upgrade():
    op.create_table('indicator_month',
    sa.Column('posyandu_id', sa.String(length=80), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('posyandu_id', 'period')
    )
    with op.batch_alter_table('indicator_month', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_month_period'), ['period'], unique=False)
    # Existing records get their aggregates from server.aggregates.rebuild_all (run after upgrade).

def downgrade():
    with op.batch_alter_table('indicator_month', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_month_period'))

    op.drop_table('indicator_month')
