"""daily activity counts kept after the conversation log is deleted

Revision ID: d3a5c0e0f015
Revises: b2d1f6a00e02
"""
import sqlalchemy as sa
from alembic import op

import bot.models

revision = 'd3a5c0e0f015'
down_revision = 'b2d1f6a00e02'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'daily_activity',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('messages', sa.Integer(), nullable=False),
        sa.Column('visits', sa.Integer(), nullable=False),
        sa.Column('answered', sa.Integer(), nullable=False),
        sa.Column('clarified', sa.Integer(), nullable=False),
        sa.Column('unknown', sa.Integer(), nullable=False),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('day'),
    )


def downgrade() -> None:
    op.drop_table('daily_activity')
