"""the worker's heartbeat and the operations counters (/healthz/worker, /metrics)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 06:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

from encompass.db import UTCDateTime


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'worker_heartbeat',
        sa.Column('worker', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=False),
        sa.Column('last_pass_at', UTCDateTime(), nullable=False),
        sa.Column('last_pass_ms', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('worker'),
    )
    with op.batch_alter_table('worker_heartbeat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_heartbeat_last_pass_at'), ['last_pass_at'], unique=False)
    op.create_table(
        'operations_counter',
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('name', 'label'),
    )


def downgrade() -> None:
    op.drop_table('operations_counter')
    with op.batch_alter_table('worker_heartbeat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_heartbeat_last_pass_at'))
    op.drop_table('worker_heartbeat')
