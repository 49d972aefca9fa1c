"""conflict_event: the audit of reviewers' actions on conflicts (resolved, reopened)

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-07 10:00:00.000000

Numbered 0005 because 0004 (device bundles, compaction) is being written alongside; whichever
merges second sets its ``down_revision`` to the other's revision.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conflict_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conflict_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('choice', sa.String(length=16), nullable=True),
    sa.Column('kept_value', sa.JSON(), nullable=True),
    sa.Column('other_value', sa.JSON(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conflict_id'], ['conflict.id'], name=op.f('fk_conflict_event_conflict_id_conflict')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_event'))
    )
    with op.batch_alter_table('conflict_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_event_conflict_id'), ['conflict_id'], unique=False)
    # Conflicts resolved before this table existed keep their resolver on the conflict row.


def downgrade():
    with op.batch_alter_table('conflict_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_event_conflict_id'))

    op.drop_table('conflict_event')
