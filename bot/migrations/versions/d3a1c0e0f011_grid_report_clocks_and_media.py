"""grid report clocks, assignment, follow-up, internal notes; report media kept in our storage

Revision ID: d3a1c0e0f011
Revises: d3a3c0e0f013
"""
import sqlalchemy as sa
from alembic import op

import bot.models

revision = 'd3a1c0e0f011'
down_revision = 'd3a3c0e0f013'
branch_labels = None
depends_on = None

TICKET_TIMES = ('respond_by', 'resolve_by', 'responded_at', 'resolved_at', 'response_escalated_at',
                'resolve_escalated_at', 'follow_up_at', 'follow_up_closed_at')


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        for name in TICKET_TIMES:
            batch_op.add_column(sa.Column(name, bot.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('follow_up_note', sa.Text(), nullable=True))
        batch_op.create_index('ix_tickets_assignee_id', ['assignee_id'])
        batch_op.create_foreign_key('fk_tickets_assignee_id', 'staff_accounts', ['assignee_id'], ['id'])
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('internal', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticket_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('path', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('content_type', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fetched_at', bot.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('fetch_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('fetch_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('purged_at', bot.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_attachments_ticket_id', ['ticket_id'])
        batch_op.create_foreign_key('fk_attachments_ticket_id', 'tickets', ['ticket_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint('fk_attachments_ticket_id', type_='foreignkey')
        batch_op.drop_index('ix_attachments_ticket_id')
        for name in ('purged_at', 'fetch_error', 'fetch_attempts', 'fetched_at', 'size', 'content_type', 'path',
                     'ticket_id'):
            batch_op.drop_column(name)
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_column('internal')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint('fk_tickets_assignee_id', type_='foreignkey')
        batch_op.drop_index('ix_tickets_assignee_id')
        batch_op.drop_column('follow_up_note')
        for name in reversed(TICKET_TIMES):
            batch_op.drop_column(name)
        batch_op.drop_column('assignee_id')
