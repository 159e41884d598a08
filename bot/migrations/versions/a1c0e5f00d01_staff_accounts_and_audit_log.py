"""staff accounts and audit log

Revision ID: a1c0e5f00d01
Revises: c1b3658661ee
"""
import sqlalchemy as sa
from alembic import op

import bot.models

revision = 'a1c0e5f00d01'
down_revision = 'c1b3658661ee'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('grids', sa.JSON(), nullable=False),
        sa.Column('password_hash', sa.String(length=256), nullable=False),
        sa.Column('must_change_password', sa.Boolean(), nullable=False),
        sa.Column('failed_logins', sa.Integer(), nullable=False),
        sa.Column('locked_until', bot.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('openid', sa.String(length=64), nullable=True),
        sa.Column('bind_code', sa.String(length=16), nullable=True),
        sa.Column('bind_code_expires', bot.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_login_at', bot.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('username'),
        sa.UniqueConstraint('openid'),
        sa.UniqueConstraint('bind_code'),
    )
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('who', sa.String(length=64), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('target', sa.String(length=64), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_at', 'audit_log', ['at'])
    op.create_index('ix_audit_log_account_id', 'audit_log', ['account_id'])
    op.create_index('ix_audit_log_action', 'audit_log', ['action'])


def downgrade() -> None:
    op.drop_table('audit_log')
    op.drop_table('staff_accounts')
