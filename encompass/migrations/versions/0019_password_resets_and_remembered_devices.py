"""password reset links (an invitation's purpose) and devices remembered for the working day

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 06:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import encompass.db

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default='invitation'))
    op.create_table('remembered_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('created_at', encompass.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', encompass.db.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', encompass.db.UTCDateTime(), nullable=True),
    sa.Column('ended_at', encompass.db.UTCDateTime(), nullable=True),
    sa.Column('ended_reason', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('remembered_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remembered_device_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_remembered_device_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('remembered_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remembered_device_user_id'))
        batch_op.drop_index(batch_op.f('ix_remembered_device_token_hash'))
    op.drop_table('remembered_device')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('purpose')
