"""mutation_log.code and mutation_log.code_details: a replayed refusal answers its code again

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 06:40:00.000000

Issue #16: a push refused with ``period_locked`` or ``merged`` and replayed (a lost
acknowledgement) must answer the same code and details (``merged_into``), which the mutation
log did not keep.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mutation_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('code_details', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('mutation_log', schema=None) as batch_op:
        batch_op.drop_column('code_details')
        batch_op.drop_column('code')
