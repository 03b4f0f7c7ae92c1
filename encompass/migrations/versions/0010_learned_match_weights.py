"""learned match weights: m and u probabilities per comparison level

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 08:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import encompass.db


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_weight',
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('m', sa.Float(), nullable=False, server_default='0'),
    sa.Column('u', sa.Float(), nullable=False, server_default='0'),
    sa.Column('learned_at', encompass.db.UTCDateTime(), nullable=False),
    sa.Column('notices', sa.Integer(), nullable=False, server_default='0'),
    sa.PrimaryKeyConstraint('field', 'level')
    )


def downgrade() -> None:
    op.drop_table('match_weight')
