"""imports: stored bank holidays (GOV.UK JSON) and each setting's GIAS establishment number

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 08:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import encompass.db

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'bank_holiday',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('division', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('imported_at', encompass.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('division', 'day', name='uq_bank_holiday_division_day'),
    )
    with op.batch_alter_table('setting') as batch_op:
        batch_op.add_column(
            sa.Column(
                'establishment_number',
                sqlmodel.sql.sqltypes.AutoString(length=10),
                nullable=False,
                server_default='',
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('setting') as batch_op:
        batch_op.drop_column('establishment_number')
    op.drop_table('bank_holiday')
