"""the child's story across notices, and what followed a week on

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 06:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import encompass.db

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('story_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pupil_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_child_story_id'), ['story_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_pupil_key'), ['pupil_key'], unique=False)
    # Children already alerted start a story of their own: nothing is linked by guesswork.
    child = sa.table('child', sa.column('id', sa.Integer), sa.column('story_id', sa.Integer))
    alert = sa.table('alert', sa.column('child_id', sa.Integer))
    op.get_bind().execute(
        child.update()
        .where(child.c.id.in_(sa.select(alert.c.child_id)))
        .values(story_id=child.c.id)
    )

    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_up_due_at', encompass.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_sent_at', encompass.db.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_alert_follow_up_due_at'), ['follow_up_due_at'], unique=False)

    op.create_table('alert_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', encompass.db.UTCDateTime(), nullable=False),
    sa.Column('recorded_by_user_id', sa.Integer(), nullable=False),
    sa.Column('attendance', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('behaviour', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('support', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('referral', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('alert_id')
    )


def downgrade() -> None:
    op.drop_table('alert_follow_up')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_follow_up_due_at'))
        batch_op.drop_column('follow_up_sent_at')
        batch_op.drop_column('follow_up_due_at')
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_pupil_key'))
        batch_op.drop_index(batch_op.f('ix_child_story_id'))
        batch_op.drop_column('pupil_key')
        batch_op.drop_column('story_id')
