"""handoff cases and message log

Revision ID: b2d1f6a00e02
Revises: a1c0e5f00d01
"""
import sqlalchemy as sa
from alembic import op

import bot.models

revision = 'b2d1f6a00e02'
down_revision = 'a1c0e5f00d01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_activity_at', bot.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answered_at', bot.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', bot.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_by', sa.String(length=64), nullable=True))
    op.create_table(
        'message_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('direction', sa.String(length=8), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=64), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('staff_name', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.ForeignKeyConstraint(['case_id'], ['handoff_requests.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_message_log_user_at', 'message_log', ['user_id', 'at'])
    op.create_index('ix_message_log_at', 'message_log', ['at'])
    op.create_index('ix_message_log_case_id', 'message_log', ['case_id'])
    op.create_table(
        'canned_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('canned_replies')
    op.drop_table('message_log')
    with op.batch_alter_table('handoff_requests', schema=None) as batch_op:
        batch_op.drop_column('closed_by')
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('last_activity_at')
