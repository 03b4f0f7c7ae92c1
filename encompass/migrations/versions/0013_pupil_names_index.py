"""pupils found by both names: the matcher's second look when nobody is certain

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 09:00:00
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.create_index('ix_pupil_names', ['family_phon', 'given_phon'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.drop_index('ix_pupil_names')
