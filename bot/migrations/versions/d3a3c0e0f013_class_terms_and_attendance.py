"""class terms edited by staff, attendance per session

Revision ID: d3a3c0e0f013
Revises: d3a5c0e0f015
"""
import sqlalchemy as sa
from alembic import op

import bot.models

revision = 'd3a3c0e0f013'
down_revision = 'd3a5c0e0f015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'class_terms',
        sa.Column('class_id', sa.String(length=32), nullable=False),
        sa.Column('term_start', sa.Date(), nullable=False),
        sa.Column('weeks', sa.Integer(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('updated_by', sa.String(length=64), nullable=False),
        sa.Column('updated_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('class_id'),
    )
    op.create_table(
        'attendance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=False),
        sa.Column('class_id', sa.String(length=32), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('present', sa.Boolean(), nullable=False),
        sa.Column('marked_by', sa.String(length=64), nullable=False),
        sa.Column('marked_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('enrollment_id', 'day', name='uq_attendance_once'),
    )
    op.create_index('ix_attendance_session', 'attendance', ['class_id', 'day'])


def downgrade() -> None:
    op.drop_index('ix_attendance_session', table_name='attendance')
    op.drop_table('attendance')
    op.drop_table('class_terms')
