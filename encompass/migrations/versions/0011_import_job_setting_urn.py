"""imports: a roll upload remembers the setting it is for

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 08:45:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_job') as batch_op:
        batch_op.add_column(
            sa.Column(
                'setting_urn',
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default='',
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('import_job') as batch_op:
        batch_op.drop_column('setting_urn')
