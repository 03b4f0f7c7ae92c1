"""key adult accounts (invitations) and what a coordinator does on escalation

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 08:50:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import encompass.db

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', encompass.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', encompass.db.UTCDateTime(), nullable=False),
    sa.Column('used_at', encompass.db.UTCDateTime(), nullable=True),
    sa.Column('sent_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['sent_by_user_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_invitation_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('key_adult', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_key_adult_user_id'), ['user_id'], unique=False)
        batch_op.create_foreign_key('fk_key_adult_user_id', 'user_account', ['user_id'], ['id'])

    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_as', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('council_handling_at', encompass.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('council_handling_by_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('council_handling_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_alert_council_handling_by_user_id', 'user_account', ['council_handling_by_user_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_constraint('fk_alert_council_handling_by_user_id', type_='foreignkey')
        batch_op.drop_column('council_handling_note')
        batch_op.drop_column('council_handling_by_user_id')
        batch_op.drop_column('council_handling_at')
        batch_op.drop_column('acknowledged_as')
    with op.batch_alter_table('key_adult', schema=None) as batch_op:
        batch_op.drop_constraint('fk_key_adult_user_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_key_adult_user_id'))
        batch_op.drop_column('user_id')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_user_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_token_hash'))
    op.drop_table('invitation')
