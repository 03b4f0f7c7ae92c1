"""The `encompass` command: parse arguments, call a service, report. Nothing else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup
from sqlmodel import Session

from encompass import create_app
from encompass.cli.calendar import calendar_group
from encompass.cli.ladder import ladder_group
from encompass.cli.people import forces_group, users_group
from encompass.cli.security import GROUPS as SECURITY_GROUPS
from encompass.cli.session import app_session
from encompass.cli.teams import teams_group
from encompass.cli.translations import translations_group
from encompass.config.environment import ConfigError
from encompass.db import utcnow
from encompass.files.csvfile import ImportFileError, ImportReport
from encompass.onboarding.new_setting import SETTING_KINDS
from encompass.policies import policies
from encompass.records import audit


def _app_factory() -> Flask:
    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


main = FlaskGroup(create_app=_app_factory, help="Operation Encompass notification service.")


class _Abort(Exception):
    """Roll back the import's transaction without a traceback."""


def _report(what: str, report: ImportReport) -> None:
    for row, reason in report.rejected[:200]:
        click.echo(f"{report.unit} {row}: rejected: {reason}", err=True)
    if len(report.rejected) > 200:
        click.echo(f"... and {len(report.rejected) - 200} more rejected {report.unit}s", err=True)
    skipped = ", ".join(f"{n} {why}" for why, n in report.skipped_reasons.items())
    click.echo(
        f"{what}: {report.accepted} accepted, {len(report.rejected)} rejected"
        + (f", {report.skipped} skipped ({skipped})" if report.skipped else "")
    )


def _run_import(
    what: str, path: str, partial: bool, work: Callable[[Session], ImportReport]
) -> None:
    """All or nothing, unless --partial: a file with a bad row changes nothing."""
    report: ImportReport | None = None
    try:
        with app_session() as session:
            report = work(session)
            if report.rejected and not partial:
                raise _Abort
            audit.record(
                session,
                f"{what}.imported",
                remote_addr="command line",
                detail=f"{report.accepted} accepted, {len(report.rejected)} rejected",
            )
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    except _Abort:
        assert report is not None
        _report(what, report)
        raise click.ClickException(
            f"{len(report.rejected)} {report.unit}s rejected in {Path(path).name}: nothing was "
            f"imported (fix the {report.unit}s, or use --partial to import the good ones)"
        ) from None
    assert report is not None
    _report(what, report)
    if report.rejected and not report.accepted:
        raise click.ClickException(
            f"every {report.unit} of {Path(path).name} was rejected: nothing was imported"
        )


def _path(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise click.BadParameter(f"no such file: {value}")
    return path


_partial = click.option(
    "--partial", is_flag=True, help="Import the good rows even if some are rejected."
)
_file = click.argument("file", callback=_path)

# --- db ------------------------------------------------------------------------------------
db_group = AppGroup("db", help="Database schema.")
main.add_command(db_group)


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the latest version."""
    from encompass.db.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is at the latest schema version")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """(developers) Autogenerate a migration from the models."""
    from encompass.db.migrate import revision

    revision(current_app.config["DATABASE_URL"], message)


# --- worker --------------------------------------------------------------------------------
@main.command("worker")
def worker() -> None:
    """The long-running scheduler process: sends due messages."""
    from encompass.worker import run_worker

    run_worker(current_app._get_current_object())  # type: ignore[attr-defined]


def _instant(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 instant: {value!r}") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-11-23T08:00:00+00:00")
    return moment.astimezone(UTC)


@main.command("tick")
@click.option("--at", "at", callback=_instant, help="Evaluate timers as of this ISO 8601 instant.")
def tick_command(at: datetime | None) -> None:
    """One pass of the worker's work, then exit."""
    from encompass.worker import tick

    counts = tick(current_app._get_current_object(), at)  # type: ignore[attr-defined]
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing due"
    click.echo(f"tick: {summary}")


# --- imports -------------------------------------------------------------------------------
settings_group = AppGroup("settings", help="Schools and early years settings.")
main.add_command(settings_group)


@settings_group.command("import")
@_file
@_partial
def settings_import(file: Path, partial: bool) -> None:
    """Import a GIAS establishment CSV; closed establishments are skipped, re-import updates."""
    from encompass.onboarding.gias import import_gias

    _run_import(
        "settings",
        str(file),
        partial,
        lambda s: import_gias(s, file, progress=True, partial=partial),
    )


@settings_group.command("add")
@click.argument("urn")
@click.argument("name")
@click.option("--la", "la_code", required=True, help="The council's LA code, like 816.")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(list(SETTING_KINDS)),
)
@click.option("--postcode", default="", help="The setting's postcode.")
def settings_add(urn: str, name: str, la_code: str, kind: str, postcode: str) -> None:
    """Add one setting by hand (an Ofsted EY123456 or six-digit URN); updates it if known."""
    from encompass.onboarding.new_setting import SettingError, add_setting

    try:
        with app_session() as session:
            setting, new = add_setting(
                session, urn=urn, name=name, la_code=la_code, kind=kind, postcode=postcode
            )
            audit.record(
                session,
                "setting.added" if new else "setting.updated",
                remote_addr="command line",
                object_type="setting",
                object_id=setting.id,
                detail=f"{setting.urn} {setting.kind}",
            )
            urn, kind = setting.urn, setting.kind
    except SettingError as exc:
        option = {"la_code": "--la", "kind": "--kind", "postcode": "--postcode"}.get(exc.field)
        raise click.ClickException(f"{option}: {exc}" if option else str(exc)) from None
    click.echo(f"{'added' if new else 'updated'} {kind.replace('_', ' ')} setting {urn} {name!r}")


contacts_group = AppGroup("contacts", help="Key Adults and council coordinators.")
main.add_command(contacts_group)


@contacts_group.command("import")
@_file
@_partial
def contacts_import(file: Path, partial: bool) -> None:
    """Import contacts: setting_urn,role,name,email,phone[,la_code]; each new Key Adult is
    sent an invitation e-mail to set a password."""
    from encompass.onboarding.contacts import import_contacts
    from encompass.policies import policies

    # Every Key Adult gets an account, and an invitation e-mail to set a password.
    invitations = policies(current_app).invitations
    _run_import("contacts", str(file), partial, lambda s: import_contacts(s, file, invitations))


roll_group = AppGroup("roll", help="Pupil rolls.")
main.add_command(roll_group)


@roll_group.command("import")
@_file
@_partial
@click.option(
    "--setting",
    "setting_urn",
    help="URN of the setting the roll is for, when the file does not say (a MIS export).",
)
def roll_import(file: Path, partial: bool, setting_urn: str | None) -> None:
    """Import pupils from our CSV, a MIS or census CSV, or a DfE Common Transfer File (XML);
    replaces the roll of each setting in the file."""
    from encompass.onboarding.rolls import import_roll
    from encompass.review.rematch import after_roll_import

    def work(session: Session) -> ImportReport:
        report = import_roll(session, file, progress=True, setting_urn=setting_urn)
        if report.accepted:
            # The weights are learned again, and open review items resolved again.
            done = after_roll_import(session, policies().rematch, now=utcnow())
            if done.matched or done.still_open:
                click.echo(
                    f"review: {done.matched} children matched by the new rolls, "
                    f"{done.still_open} still to decide",
                    err=True,
                )
        return report

    _run_import("pupils", str(file), partial, work)


@roll_group.command("match")
@_file
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    help="Write CSV here (default: standard output).",
)
def roll_match(file: Path, out: str | None) -> None:
    """Match children against the rolls with the live engine; nothing is stored."""
    from encompass.onboarding.match_file import match_file
    from encompass.policies import policies

    try:
        with app_session() as session:
            today = utcnow().astimezone(policies().alerts.tz).date()
            lines, counts = match_file(session, file, today=today)
            session.rollback()
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    if out:
        try:
            Path(out).write_text(lines, encoding="utf-8", newline="")
        except OSError as exc:
            raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None
    else:
        click.echo(lines, nl=False)
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    click.echo(f"roll match: {summary}", err=True)


# --- demo ----------------------------------------------------------------------------------
@main.command("demo")
def demo() -> None:
    """Load demo data and print how to sign in."""
    from encompass.cli.demo import load_demo

    with app_session() as session:
        text = load_demo(session, policies().alerts.base_url)
    click.echo(text)


# The other command groups, each in its own module.
for _group in (
    forces_group,
    users_group,
    calendar_group,
    ladder_group,
    teams_group,
    translations_group,
    *SECURITY_GROUPS,
):
    main.add_command(_group)
