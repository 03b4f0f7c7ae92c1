"""dual registration: one alert per child and setting (was one per child)

A child on the rolls of two settings (a school and a pupil referral unit, say) is
alerted at both (Domestic Abuse Act 2021 s.49A: each relevant educational establishment).
The unique child_id becomes unique (child_id, setting_id), and child_id keeps an index.

The old constraint has no name in 0001: PostgreSQL called it alert_child_id_key; SQLite
keeps it unnamed in the table's SQL, so the table is recreated with a naming convention
that gives it one to drop. Downgrading fails while any child has two alerts.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 09:00:00
"""
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

# SQLite: the unnamed UNIQUE (child_id) is reflected as uq_alert_child_id.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_name() -> str:
    return "alert_child_id_key" if op.get_bind().dialect.name == "postgresql" else "uq_alert_child_id"


def upgrade() -> None:
    with op.batch_alter_table('alert', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint(_old_name(), type_='unique')
        batch_op.create_unique_constraint('uq_alert_child_setting', ['child_id', 'setting_id'])
        batch_op.create_index(batch_op.f('ix_alert_child_id'), ['child_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('alert', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_child_id'))
        batch_op.drop_constraint('uq_alert_child_setting', type_='unique')
        batch_op.create_unique_constraint(_old_name(), ['child_id'])
