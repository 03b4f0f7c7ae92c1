"""ask the setting: a child in review with one strong candidate is put to that setting's DSL

One row per setting asked about a review item (at most one per item and setting): when it
was asked, and the DSL's answer ("yes": our pupil, the item resolves there; "no": not
ours, that setting is ruled out), when and by whom.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-09 09:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import encompass.db

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_ask',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_item_id', sa.Integer(), nullable=False),
    sa.Column('setting_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', encompass.db.UTCDateTime(), nullable=False),
    sa.Column('answered_at', encompass.db.UTCDateTime(), nullable=True),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False, server_default=''),
    sa.Column('answered_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_user_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['review_item_id'], ['review_item.id'], ),
    sa.ForeignKeyConstraint(['setting_id'], ['setting.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('review_item_id', 'setting_id', name='uq_review_ask')
    )
    with op.batch_alter_table('review_ask', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_ask_review_item_id'), ['review_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_ask_setting_id'), ['setting_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_ask', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_ask_setting_id'))
        batch_op.drop_index(batch_op.f('ix_review_ask_review_item_id'))
    op.drop_table('review_ask')
