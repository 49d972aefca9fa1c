"""mutation_log.author_user_id: the kader who made a pushed change on a shared device

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 07:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mutation_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_user_id', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('mutation_log', schema=None) as batch_op:
        batch_op.drop_column('author_user_id')
