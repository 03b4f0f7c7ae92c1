"""a child whose date of birth is not known: the age the officer was told

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 06:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age_years', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_column('age_years')
