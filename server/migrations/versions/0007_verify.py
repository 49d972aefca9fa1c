"""Issue #16: mutation_log.code/code_details (a replayed refusal answers its code again);
record.event_date with an index on (kind, event_date) for Evaluasi mingguan at district scale;
paper_count (the paper register's S, K, D, N and weighings per posyandu-month)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 06:40:00.000000

A push refused with ``period_locked`` or ``merged`` and replayed (a lost acknowledgement) must
answer the same code and details (``merged_into``), which the mutation log did not keep.
``record.event_date`` is the day a record counts on in weekly figures
(``server/indicators/week.py``); the rows already stored get it from their fields here.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# kind -> its date field (server/indicators/week.py EVENT_DATE_FIELDS, as of this revision)
EVENT_DATE_FIELDS = {
    "child_visit": "visit_date",
    "anc_visit": "visit_date",
    "adult_visit": "visit_date",
    "posyandu_session": "session_date",
    "youth_visit": "visit_date",
    "postpartum_visit": "visit_date",
    "family_planning": "visit_date",
    "tb_screening": "visit_date",
    "immunization": "given_on",
    "referral": "referral_date",
    "pregnancy": "registered_on",
    "person": "died_on",
}


def _backfill():
    bind = op.get_bind()
    for kind, name in EVENT_DATE_FIELDS.items():
        if bind.dialect.name == "postgresql":
            value = f"(fields->>'{name}')"
            op.execute(
                f"UPDATE record SET event_date = CAST(substr({value}, 1, 10) AS DATE) "
                f"WHERE kind = '{kind}' AND {value} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}'"
            )
        else:
            value = f"json_extract(fields, '$.{name}')"
            op.execute(
                f"UPDATE record SET event_date = substr({value}, 1, 10) "
                f"WHERE kind = '{kind}' AND {value} GLOB "
                "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"
            )


def upgrade():
    with op.batch_alter_table('mutation_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('code_details', sa.JSON(), nullable=True))
    with op.batch_alter_table('record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_date', sa.Date(), nullable=True))
        batch_op.create_index('ix_record_kind_event_date', ['kind', 'event_date'], unique=False)
    _backfill()
    op.create_table(
        'paper_count',
        sa.Column('posyandu_id', sa.String(length=64), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('s', sa.Integer(), nullable=False),
        sa.Column('k', sa.Integer(), nullable=False),
        sa.Column('d', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('weighings', sa.Integer(), nullable=False),
        sa.Column('entered_by', sa.String(length=64), nullable=False),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('posyandu_id', 'period'),
    )
    op.create_index('ix_paper_count_period', 'paper_count', ['period'], unique=False)


def downgrade():
    op.drop_index('ix_paper_count_period', table_name='paper_count')
    op.drop_table('paper_count')
    with op.batch_alter_table('record', schema=None) as batch_op:
        batch_op.drop_index('ix_record_kind_event_date')
        batch_op.drop_column('event_date')
    with op.batch_alter_table('mutation_log', schema=None) as batch_op:
        batch_op.drop_column('code_details')
        batch_op.drop_column('code')
