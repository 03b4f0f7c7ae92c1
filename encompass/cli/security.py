"""`encompass forces rotate-key|revoke-key|keys`, `users set-role|deactivate|activate|
unlock|sign-out-everywhere|reset-password|reset-two-factor`, `audit verify|seal`,
`keys generate|rotate`, `retention run`."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session, col, select

from encompass.auth.users import (
    AccountError,
    change_role,
    force_named,
    reset_two_factor,
    revoke_keys,
    rotate_key,
    set_active,
    set_password,
    sign_out_everywhere,
    unlock,
    user_by_email,
)
from encompass.cli.people import forces_group, read_password, users_group
from encompass.cli.session import app_session
from encompass.db import utcnow
from encompass.models import ApiKey
from encompass.policies import policies


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


# --- forces: API keys ----------------------------------------------------------------------
@forces_group.command("rotate-key")
@click.argument("name")
@click.option(
    "--overlap-hours",
    type=click.FloatRange(min=0),
    default=None,
    help="How long the old keys keep working (default API_KEY_OVERLAP_HOURS).",
)
def forces_rotate_key(name: str, overlap_hours: float | None) -> None:
    """A new API key for the force (works at once; printed once); old keys end after the overlap."""
    hours = (
        policies().api_key_overlap.total_seconds() / 3600
        if overlap_hours is None
        else overlap_hours
    )
    now = utcnow()
    try:
        with app_session() as session:
            force = force_named(session, name)
            row, key = rotate_key(session, force, overlap=timedelta(hours=hours), now=now)
    except AccountError as exc:
        raise _fail(exc) from None
    ends = (now + timedelta(hours=hours)).isoformat(timespec="minutes")
    click.echo(f"rotated the API key of {force.name!r}: old keys work until {ends}")
    click.echo(f"API key (shown once, store it now): {key}")


@forces_group.command("revoke-key")
@click.argument("name")
@click.option("--prefix", help="Revoke only the key starting with this (see `forces keys`).")
def forces_revoke_key(name: str, prefix: str | None) -> None:
    """Stop the force's API keys at once (all of them, or the one with --prefix)."""
    try:
        with app_session() as session:
            force = force_named(session, name)
            revoked = revoke_keys(session, force, now=utcnow(), prefix=prefix)
    except AccountError as exc:
        raise _fail(exc) from None
    if not revoked:
        click.echo(f"{force.name!r} had no live API keys")
        return
    listed = ", ".join(f"{k.prefix}..." for k in revoked)
    click.echo(f"revoked {len(revoked)} API key(s) of {force.name!r}: {listed}")


@forces_group.command("keys")
@click.argument("name")
def forces_keys(name: str) -> None:
    """The force's API keys: prefix, created, expires, revoked, last used. Never the key."""
    try:
        with app_session() as session:
            force = force_named(session, name)
            keys = list(
                session.exec(
                    select(ApiKey).where(ApiKey.force_id == force.id).order_by(col(ApiKey.id))
                )
            )
    except AccountError as exc:
        raise _fail(exc) from None
    now = utcnow()

    def when(moment: object) -> str:
        return moment.isoformat(timespec="minutes") if moment else "-"  # type: ignore[attr-defined]

    for k in keys:
        live = k.revoked_at is None and (k.expires_at is None or k.expires_at > now)
        click.echo(
            f"{k.prefix}...  {'live' if live else 'dead'}  created {when(k.created_at)}  "
            f"expires {when(k.expires_at)}  revoked {when(k.revoked_at)}  "
            f"last used {when(k.last_used_at)}"
        )


# --- users: roles, lockout, second factor ---------------------------------------------------
@users_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["admin", "coordinator", "dsl", "police"]))
@click.option("--setting", "setting_urn", help="URN of the setting (dsl).")
@click.option("--force", "force_name", help="Police force name (police).")
@click.option("--la", "la_code", help="Council LA code (coordinator).")
def users_set_role(
    email: str, role: str, setting_urn: str | None, force_name: str | None, la_code: str | None
) -> None:
    """Change a user's role and scope; audited; applies to their open sessions at once."""
    try:
        with app_session() as session:
            user = user_by_email(session, email)
            change_role(
                session,
                user,
                role=role,
                setting_urn=setting_urn,
                force_name=force_name,
                la_code=la_code,
                now=utcnow(),
            )
    except AccountError as exc:
        raise _fail(exc) from None
    click.echo(f"{user.email} is now {user.role}")


def _user_command(name: str, help_text: str, action: object, done: str) -> None:
    @users_group.command(name, help=help_text)
    @click.argument("email")
    def command(email: str) -> None:
        try:
            with app_session() as session:
                user = user_by_email(session, email)
                action(session, user)  # type: ignore[operator]
        except AccountError as exc:
            raise _fail(exc) from None
        click.echo(f"{user.email}: {done}")


_user_command(
    "deactivate",
    "Stop a user signing in; their open sessions end at their next request.",
    lambda s, u: set_active(s, u, active=False, now=utcnow()),
    "deactivated",
)
_user_command(
    "activate",
    "Let a deactivated user sign in again.",
    lambda s, u: set_active(s, u, active=True, now=utcnow()),
    "activated",
)
_user_command(
    "unlock",
    "Clear the failed sign-ins that locked an account.",
    lambda s, u: unlock(s, u, now=utcnow()),
    "unlocked",
)
_user_command(
    "sign-out-everywhere",
    "End every session the user has open, on every device, at once.",
    lambda s, u: sign_out_everywhere(s, u, now=utcnow()),
    "every session ended",
)
_user_command(
    "reset-password",
    "Set a new password (read from standard input); every open session ends.",
    lambda s, u: set_password(s, u, read_password(), now=utcnow()),
    "password changed; every session ended",
)
_user_command(
    "reset-two-factor",
    "Forget a user's authenticator app (a lost phone): they set up a new one at sign-in.",
    lambda s, u: reset_two_factor(s, u, now=utcnow()),
    "authenticator app reset; a new one is set up at the next sign-in",
)


# --- audit ---------------------------------------------------------------------------------
audit_group = AppGroup("audit", help="The tamper-evident audit trail.")


@audit_group.command("verify")
def audit_verify() -> None:
    """Check the hash chain; exits non-zero if any sealed entry was changed or removed."""
    from encompass.records.audit import verify

    with Session(current_app.extensions["encompass_engine"]) as session:
        report = verify(session)
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(
        f"audit chain: {report.sealed} entries sealed, {report.unsealed} waiting to be sealed "
        f"(the worker seals them); head {report.head_hash}"
    )
    if not report.ok:
        raise click.ClickException(f"the audit chain is broken: {len(report.problems)} problems")
    click.echo("audit chain: OK")


@audit_group.command("seal")
def audit_seal() -> None:
    """Seal the entries written since the last seal (the worker does this every tick)."""
    from encompass.records.audit import seal

    total = 0
    with Session(current_app.extensions["encompass_engine"]) as session:
        while True:
            sealed = seal(session)
            total += sealed
            if not sealed:
                break
    click.echo(f"audit: {total} entries sealed")


# --- keys ----------------------------------------------------------------------------------
keys_group = AppGroup("keys", help="Encryption keys for personal data at rest.")


@keys_group.command("generate")
def keys_generate() -> None:
    """Print a new data key: put it first in ENCOMPASS_DATA_KEYS, then run `keys rotate`."""
    from encompass.encryption import generate_key

    click.echo(generate_key())


@keys_group.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every encrypted value with the newest key (plaintext gets encrypted)."""
    from encompass.encryption import CryptoError
    from encompass.records import audit
    from encompass.records.key_rotation import rotate_all

    try:
        with app_session() as session:
            counts = rotate_all(session)
            total = sum(counts.values())
            audit.record(session, "keys.rotated", detail=f"{total} values re-encrypted")
    except CryptoError as exc:
        raise _fail(exc) from None
    for column, n in counts.items():
        click.echo(f"{column}: {n}")
    click.echo(
        f"keys rotate: {total} values now under the newest key; older keys can be removed "
        "from ENCOMPASS_DATA_KEYS"
    )


@keys_group.command("check")
def keys_check() -> None:
    """Prove every encrypted value decrypts with ENCOMPASS_DATA_KEYS (after a rotation, before
    removing an old key, after a restore); exits non-zero if any does not."""
    from encompass.encryption import CryptoError
    from encompass.records import audit
    from encompass.records.key_rotation import check_all

    try:
        with app_session() as session:
            checks = check_all(session)
            unreadable = sum(c.unreadable for c in checks)
            older = sum(c.older for c in checks)
            plaintext = sum(c.plaintext for c in checks)
            total = sum(c.newest + c.older + c.plaintext + c.unreadable for c in checks)
            audit.record(
                session,
                "keys.checked",
                detail=f"{total} values: {unreadable} unreadable, {older} under older keys",
            )
    except CryptoError as exc:
        raise _fail(exc) from None
    for c in checks:
        line = (
            f"{c.column}: {c.newest} newest key, {c.older} older keys, "
            f"{c.plaintext} not encrypted, {c.unreadable} unreadable"
        )
        if c.unreadable_ids:
            line += f" (rows {', '.join(str(i) for i in c.unreadable_ids)}...)"
        click.echo(line)
    if unreadable:
        raise click.ClickException(
            f"{unreadable} of {total} encrypted values cannot be decrypted with "
            "ENCOMPASS_DATA_KEYS: the key they were written with is missing (restore it from "
            "where the data keys are kept; without it those values are lost)"
        )
    advice = ""
    if older or plaintext:
        advice = f" ({older + plaintext} not under the newest key: run `encompass keys rotate`)"
    click.echo(f"keys check: all {total} encrypted values decrypt{advice}")


# --- retention -----------------------------------------------------------------------------
retention_group = AppGroup("retention", help="Minimising notices past their retention period.")


@retention_group.command("run")
def retention_run() -> None:
    """Minimise every notice older than NOTICE_RETENTION_DAYS (the worker does it too)."""
    from encompass.records.retention import run_retention

    days = policies().retention_days
    total = 0
    with Session(current_app.extensions["encompass_engine"], expire_on_commit=False) as session:
        while True:
            done = run_retention(session, utcnow(), days)
            total += done
            if not done:
                break
    click.echo(f"retention: {total} notices minimised (older than {days} days)")


GROUPS = [audit_group, keys_group, retention_group]
