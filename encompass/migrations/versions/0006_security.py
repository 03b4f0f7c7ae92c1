"""security: API keys with rotation, rate counters, TOTP, sealed audit chain, encrypted text

Existing plaintext in the newly encrypted columns stays readable; `encompass keys rotate`
encrypts it (see docs/security.md). Existing force keys move to api_key unchanged.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:38:17.903941
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import encompass.db

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    # Sealed entries never change. (DELETE is left to the chain check on SQLite: tests
    # empty the table between runs.)
    """CREATE TRIGGER audit_event_sealed_no_update BEFORE UPDATE ON audit_event
    WHEN OLD.hash IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'sealed audit entries cannot change'); END""",
]
POSTGRES_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_event is append-only';
      END IF;
      IF OLD.hash IS NOT NULL THEN
        RAISE EXCEPTION 'sealed audit entries cannot change';
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
]


def upgrade() -> None:
    op.create_table('rate_counter',
    sa.Column('bucket', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('window_start', encompass.db.UTCDateTime(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False, server_default='0'),
    sa.PrimaryKeyConstraint('bucket')
    )
    with op.batch_alter_table('rate_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_counter_window_start'), ['window_start'], unique=False)

    op.create_table('api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('force_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', encompass.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', encompass.db.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', encompass.db.UTCDateTime(), nullable=True),
    sa.Column('last_used_at', encompass.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['force_id'], ['police_force.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_key_force_id'), ['force_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_key_key_hash'), ['key_hash'], unique=True)
    # Every force's existing key keeps working, now as its first api_key row.
    op.execute(
        "INSERT INTO api_key (force_id, key_hash, prefix, created_at, last_used_at) "
        "SELECT id, api_key_hash, api_key_prefix, created_at, last_used_at FROM police_force"
    )
    with op.batch_alter_table('police_force', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_police_force_api_key_hash'))
        batch_op.drop_column('api_key_prefix')
        batch_op.drop_column('api_key_hash')
        batch_op.drop_column('last_used_at')

    # Encrypted columns hold "fernet:<token>" text, longer than the plaintext limits.
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.alter_column('feedback', existing_type=sa.VARCHAR(length=2000),
                              type_=sa.Text(), existing_nullable=True)
        batch_op.alter_column('child_presentation', existing_type=sa.VARCHAR(length=2000),
                              type_=sa.Text(), existing_nullable=False)
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.alter_column('address', existing_type=sa.VARCHAR(length=300),
                              type_=sa.Text(), existing_nullable=False)
        batch_op.alter_column('where', existing_type=sa.VARCHAR(length=500),
                              type_=sa.Text(), existing_nullable=False)
        batch_op.alter_column('voice_of_child', existing_type=sa.VARCHAR(length=2000),
                              type_=sa.Text(), existing_nullable=False)
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minimised_at', encompass.db.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_notice_retention', ['minimised_at', 'received_at'], unique=False)
        batch_op.alter_column('circumstances', existing_type=sa.VARCHAR(length=4000),
                              type_=sa.Text(), existing_nullable=False)
        batch_op.alter_column('adults', existing_type=sa.JSON(), type_=sa.Text(),
                              existing_nullable=True, postgresql_using='adults::text')

    with op.batch_alter_table('alert_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('used_by_user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_alert_link_used_by_user_id', 'user_account',
                                    ['used_by_user_id'], ['id'])

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', encompass.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_event_seq'), ['seq'], unique=True)
    # After the batch operations: on SQLite they rebuild the table, which drops triggers.
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_TRIGGERS if dialect == 'postgresql' else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_sealed_no_update")
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_seq'))
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')

    with op.batch_alter_table('alert_link', schema=None) as batch_op:
        batch_op.drop_constraint('fk_alert_link_used_by_user_id', type_='foreignkey')
        batch_op.drop_column('used_by_user_id')

    # Encrypted values stay encrypted, and the older code cannot read them: downgrade a
    # database holding notices by restoring its backup instead.
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.alter_column('adults', existing_type=sa.Text(), type_=sa.JSON(),
                              existing_nullable=True, postgresql_using='adults::json')
        batch_op.alter_column('circumstances', existing_type=sa.Text(),
                              type_=sa.VARCHAR(length=4000), existing_nullable=False)
        batch_op.drop_index('ix_notice_retention')
        batch_op.drop_column('minimised_at')
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.alter_column('voice_of_child', existing_type=sa.Text(),
                              type_=sa.VARCHAR(length=2000), existing_nullable=False)
        batch_op.alter_column('where', existing_type=sa.Text(),
                              type_=sa.VARCHAR(length=500), existing_nullable=False)
        batch_op.alter_column('address', existing_type=sa.Text(),
                              type_=sa.VARCHAR(length=300), existing_nullable=False)
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.alter_column('child_presentation', existing_type=sa.Text(),
                              type_=sa.VARCHAR(length=2000), existing_nullable=False)
        batch_op.alter_column('feedback', existing_type=sa.Text(),
                              type_=sa.VARCHAR(length=2000), existing_nullable=True)

    with op.batch_alter_table('police_force', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_used_at', encompass.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('api_key_hash', sa.VARCHAR(length=64), nullable=True))
        batch_op.add_column(sa.Column('api_key_prefix', sa.VARCHAR(length=16), nullable=True))
    # Each force gets back its newest live key.
    op.execute(
        "UPDATE police_force SET api_key_hash = (SELECT k.key_hash FROM api_key k "
        "WHERE k.force_id = police_force.id AND k.revoked_at IS NULL ORDER BY k.id DESC LIMIT 1), "
        "api_key_prefix = (SELECT k.prefix FROM api_key k WHERE k.force_id = police_force.id "
        "AND k.revoked_at IS NULL ORDER BY k.id DESC LIMIT 1)"
    )
    with op.batch_alter_table('police_force', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_police_force_api_key_hash'), ['api_key_hash'], unique=True)

    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_key_key_hash'))
        batch_op.drop_index(batch_op.f('ix_api_key_force_id'))
    op.drop_table('api_key')
    with op.batch_alter_table('rate_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_counter_window_start'))
    op.drop_table('rate_counter')
