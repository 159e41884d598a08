"""kindergarten places left per school year, and the pre-registration waiting list

Revision ID: e1a0c0e0f017
Revises: d3a4c0e0f014
"""
import sqlalchemy as sa
from alembic import op

import bot.models

revision = 'e1a0c0e0f017'
down_revision = 'd3a4c0e0f014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'kindergarten_places',
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('places', sa.Integer(), nullable=False),
        sa.Column('counted_on', sa.Date(), nullable=False),
        sa.Column('updated_by', sa.String(length=64), nullable=False),
        sa.Column('updated_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('year'),
    )
    op.create_table(
        'kindergarten_registrations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('child', sa.String(length=64), nullable=True),
        sa.Column('birth', sa.Date(), nullable=True),
        sa.Column('start_year', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=True),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_kindergarten_registrations_user_id', 'kindergarten_registrations', ['user_id'])
    op.create_index('ix_kindergarten_registrations_queue', 'kindergarten_registrations',
                    ['start_year', 'status', 'id'])


def downgrade() -> None:
    op.drop_index('ix_kindergarten_registrations_queue', table_name='kindergarten_registrations')
    op.drop_index('ix_kindergarten_registrations_user_id', table_name='kindergarten_registrations')
    op.drop_table('kindergarten_registrations')
    op.drop_table('kindergarten_places')
