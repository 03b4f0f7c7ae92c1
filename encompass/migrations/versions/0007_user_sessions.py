"""user sessions kept on the server, so sign-out ends every copy of a session cookie

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 08:35:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import encompass.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', encompass.db.UTCDateTime(), nullable=False),
    sa.Column('seen_at', encompass.db.UTCDateTime(), nullable=False),
    sa.Column('ended_at', encompass.db.UTCDateTime(), nullable=True),
    sa.Column('ended_reason', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_session_token_hash'))
    op.drop_table('user_session')
