"""faq edits made in the console, and gaps reviewed

Revision ID: d3a4c0e0f014
Revises: d3a6c0e0f016
"""
import sqlalchemy as sa
from alembic import op

import bot.models

revision = 'd3a4c0e0f014'
down_revision = 'd3a6c0e0f016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'faq_edits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.String(length=128), nullable=False),
        sa.Column('questions', sa.JSON(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('retired', sa.Boolean(), nullable=False),
        sa.Column('at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('who', sa.String(length=64), nullable=False),
        sa.Column('change', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_faq_edits_entry', 'faq_edits', ['entry_id', 'id'])
    with op.batch_alter_table('faq_gaps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='open'))
        batch_op.add_column(sa.Column('entry_id', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('handled_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('handled_at', bot.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_faq_gaps_status', ['status'])


def downgrade() -> None:
    with op.batch_alter_table('faq_gaps', schema=None) as batch_op:
        batch_op.drop_index('ix_faq_gaps_status')
        batch_op.drop_column('handled_at')
        batch_op.drop_column('handled_by')
        batch_op.drop_column('entry_id')
        batch_op.drop_column('status')
    op.drop_table('faq_edits')
