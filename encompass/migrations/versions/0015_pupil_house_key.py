"""pupils found by their house: the matcher's look when names and postcode are mistyped

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 11:45:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_key', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False, server_default=''))
        batch_op.create_index('ix_pupil_house', ['address_key'], unique=False)
    _backfill_house_keys()


def _backfill_house_keys() -> None:
    """Pupils imported before this revision get their house key."""
    from encompass.matching.normalise import house_key

    bind = op.get_bind()
    pupil = sa.table(
        "pupil",
        sa.column("id", sa.Integer),
        sa.column("address", sa.String),
        sa.column("postcode_key", sa.String),
        sa.column("address_key", sa.String),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(pupil.c.id, pupil.c.address, pupil.c.postcode_key)
            .where(pupil.c.id > last)
            .order_by(pupil.c.id)
            .limit(5000)
        ).all()
        if not rows:
            break
        keyed = [{"pid": r.id, "key": house_key(r.address, r.postcode_key)} for r in rows]
        keyed = [k for k in keyed if k["key"]]
        if keyed:
            bind.execute(
                pupil.update()
                .where(pupil.c.id == sa.bindparam("pid"))
                .values(address_key=sa.bindparam("key")),
                keyed,
            )
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.drop_index('ix_pupil_house')
        batch_op.drop_column('address_key')
