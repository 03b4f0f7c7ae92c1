"""imports: setting.kind up to 30 characters (alternative_provision is 21)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 08:50:00
"""
from alembic import op
import sqlmodel

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('setting') as batch_op:
        batch_op.alter_column(
            'kind',
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=20),
            type_=sqlmodel.sql.sqltypes.AutoString(length=30),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('setting') as batch_op:
        batch_op.alter_column(
            'kind',
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=30),
            type_=sqlmodel.sql.sqltypes.AutoString(length=20),
            existing_nullable=False,
        )
