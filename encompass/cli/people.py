"""`encompass forces create` and `encompass users create`; the groups' other commands
(keys, roles, locks) are in cli/security.py."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from encompass.auth.users import AccountError
from encompass.cli.session import app_session
from encompass.records import audit

# --- forces and users ----------------------------------------------------------------------
forces_group = AppGroup("forces", help="Police forces and their API keys.")


@forces_group.command("create")
@click.argument("name")
def forces_create(name: str) -> None:
    """Create a police force; prints its API key once."""
    from encompass.auth.users import create_force

    try:
        with app_session() as session:
            force, key = create_force(session, name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created force {force.name!r}")
    click.echo(f"API key (shown once, store it now): {key}")


users_group = AppGroup("users", help="People who sign in.")


def read_password() -> str:
    """A password from the terminal (asked twice), or the first line of standard input."""
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "coordinator", "dsl", "police"]))
@click.option("--setting", "setting_urn", help="URN of the setting (dsl).")
@click.option("--force", "force_name", help="Police force name (police).")
@click.option("--la", "la_code", help="Council LA code (coordinator).")
def users_create(
    email: str, role: str, setting_urn: str | None, force_name: str | None, la_code: str | None
) -> None:
    """Create a user; the password is read from standard input."""
    from encompass.auth.users import create_user

    password = read_password()
    try:
        with app_session() as session:
            user = create_user(
                session,
                email=email,
                role=role,
                password=password,
                setting_urn=setting_urn,
                force_name=force_name,
                la_code=la_code,
            )
            audit.record(
                session, "user.created", object_type="user", object_id=user.id, detail=user.role
            )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {user.role} user {user.email}")
