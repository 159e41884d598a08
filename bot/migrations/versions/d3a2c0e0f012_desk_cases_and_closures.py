"""the 代办 desk: attendance on bookings, cases with their events, staff closures

Revision ID: d3a2c0e0f012
Revises: d3a1c0e0f011
"""
import sqlalchemy as sa
from alembic import op

import bot.models

revision = 'd3a2c0e0f012'
down_revision = 'd3a1c0e0f011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('attendance_at', bot.models.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        'cases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('booking_id', sa.Integer(), nullable=True),
        sa.Column('service_id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=True),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('missing', sa.Text(), nullable=False),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('number'),
        sa.UniqueConstraint('booking_id'),
    )
    op.create_index('ix_cases_user_id', 'cases', ['user_id'])
    op.create_index('ix_cases_status', 'cases', ['status'])
    op.create_table(
        'case_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('by', sa.String(length=64), nullable=False),
        sa.Column('at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_case_events_case_id', 'case_events', ['case_id'])
    op.create_table(
        'closures',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('period', sa.String(length=8), nullable=False),
        sa.Column('reason', sa.String(length=64), nullable=False),
        sa.Column('by', sa.String(length=64), nullable=False),
        sa.Column('at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('day', 'period'),
    )


def downgrade() -> None:
    op.drop_table('closures')
    op.drop_table('case_events')
    op.drop_table('cases')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('attendance_at')
        batch_op.drop_column('attendance')
