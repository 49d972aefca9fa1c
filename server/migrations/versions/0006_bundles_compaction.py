"""device.acked_seq and device.delivered_cursor (file bundles), sync_counter.horizon (compaction)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 09:00:00.000000

Written alongside 0004 (login security) and 0005 (conflict_event), merged after both.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('acked_seq', sa.BigInteger(), nullable=False, server_default='0')
        )
        batch_op.add_column(sa.Column('delivered_cursor', sa.String(length=200), nullable=True))
    with op.batch_alter_table('sync_counter', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('horizon', sa.BigInteger(), nullable=False, server_default='0')
        )


def downgrade():
    with op.batch_alter_table('sync_counter', schema=None) as batch_op:
        batch_op.drop_column('horizon')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_column('delivered_cursor')
        batch_op.drop_column('acked_seq')
