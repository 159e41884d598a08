"""participant of bookings and enrollments (a family member booking for an elder, a parent for a child)

Revision ID: d3a6c0e0f016
Revises: d3a2c0e0f012
"""
import sqlalchemy as sa
from alembic import op

revision = 'd3a6c0e0f016'
down_revision = 'd3a2c0e0f012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participant', sa.String(length=16), nullable=True))
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participant', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_column('participant')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('participant')
