"""languages: a person's (account and Key Adult) and a setting's message language

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 09:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True))
    with op.batch_alter_table('key_adult', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True))
    with op.batch_alter_table('setting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('setting', schema=None) as batch_op:
        batch_op.drop_column('message_language')
    with op.batch_alter_table('key_adult', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('language')
