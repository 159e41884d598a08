"""form and step instead of one state string

The open form and its step become two columns; "booking.slot" becomes form="booking",
step="slot". A generated eligibility form ("eligibility_<rule>.<fact>") becomes the one
eligibility check, form="eligibility", with the rule and the facts so far in its data.

Revision ID: c1b3658661ee
Revises: 676f718ec78c
Create Date: 2026-11-30 07:39:33.562654
"""
import sqlalchemy as sa
from alembic import op

revision = 'c1b3658661ee'
down_revision = '676f718ec78c'
branch_labels = None
depends_on = None

OLD_ELIGIBILITY = "eligibility_"
conversations = sa.table(
    "conversations",
    sa.column("user_id", sa.Integer), sa.column("state", sa.String), sa.column("form", sa.String),
    sa.column("step", sa.String), sa.column("data", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('step', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    open_forms = connection.execute(sa.select(conversations.c.user_id, conversations.c.state, conversations.c.data)
                                    .where(conversations.c.state.like("%.%"))).all()
    for user_id, state, data in open_forms:
        form, step = state.split(".", 1)
        if form.startswith(OLD_ELIGIBILITY):
            data = dict(data or {})
            data.update(rule=form[len(OLD_ELIGIBILITY):], facts=data.pop("values", {}))
            form = "eligibility"
        connection.execute(conversations.update().where(conversations.c.user_id == user_id)
                           .values(form=form, step=step, data=data))
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('state')


def downgrade() -> None:
    """An open eligibility check is closed: the old code had no form for it to go back to."""
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.VARCHAR(length=64), nullable=True))
    connection = op.get_bind()
    open_forms = connection.execute(sa.select(conversations.c.user_id, conversations.c.form, conversations.c.step)
                                    .where(conversations.c.form.is_not(None),
                                           conversations.c.form != "eligibility")).all()
    for user_id, form, step in open_forms:
        connection.execute(conversations.update().where(conversations.c.user_id == user_id)
                           .values(state=f"{form}.{step}"))
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('step')
        batch_op.drop_column('form')
