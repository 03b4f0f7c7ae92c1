"""`encompass calendar import FILE (--la CODE | --setting URN)`, `calendar bank-holidays FILE`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import select

from encompass.calendar.bank_holidays import (
    BankHolidayFileError,
    parse_bank_holidays,
    store_bank_holidays,
)
from encompass.calendar.imports import CalendarFileError, read_calendar_bytes, replace_calendar
from encompass.db import session_scope, utcnow
from encompass.models import Setting
from encompass.policies import policies
from encompass.records import audit

calendar_group = AppGroup("calendar", help="Term dates, holidays and INSET days.")


def _read(file: str) -> tuple[Path, bytes]:
    path = Path(file)
    try:
        return path, path.read_bytes()
    except OSError:
        raise click.ClickException(f"no such file: {file}") from None


@calendar_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--la", "la_code", help="The council's LA code: its schools' calendar.")
@click.option("--setting", "setting_urn", help="One setting's own calendar (overrides the LA's).")
def calendar_import(file: str, la_code: str | None, setting_urn: str | None) -> None:
    """Import term dates from .ics or CSV (start,end,kind or label,start_date[,end_date]);
    replaces that calendar."""
    if bool(la_code) == bool(setting_urn):
        raise click.UsageError("give exactly one of --la CODE or --setting URN")
    path, raw = _read(file)
    tz = policies().tz
    with session_scope(current_app.extensions["encompass_engine"]) as session:
        setting = None
        if setting_urn:
            setting = session.exec(select(Setting).where(Setting.urn == setting_urn)).first()
            if setting is None:
                raise click.ClickException(f"no setting with URN {setting_urn}")
        nation = setting.nation if setting else "england"
        try:
            calendar = read_calendar_bytes(raw, path.name, tz, utcnow().date(), nation)
        except CalendarFileError as exc:
            for problem in exc.problems:
                click.echo(problem, err=True)
            raise click.ClickException(f"{path.name}: {exc}; nothing was imported") from None
        count = replace_calendar(
            session,
            calendar.entries,
            la_code=la_code,
            setting_id=setting.id if setting else None,
        )
        scope = f"setting {setting_urn}" if setting_urn else f"LA {la_code}"
        audit.record(
            session,
            "calendar.imported",
            remote_addr="command line",
            object_type="setting" if setting else "council",
            object_id=setting.id if setting else None,
            detail=f"{scope}: {count} entries",
        )
    for ignored in calendar.ignored[:20]:
        click.echo(f"ignored: {ignored}", err=True)
    click.echo(
        f"calendar for {scope}: {count} accepted ({calendar.count('term')} terms, "
        f"{calendar.count('holiday')} closures, {calendar.count('inset')} INSET), 0 rejected"
        + (f", {len(calendar.ignored)} events ignored" if calendar.ignored else "")
    )


@calendar_group.command("bank-holidays")
@click.argument("file", type=click.Path(dir_okay=False))
def calendar_bank_holidays(file: str) -> None:
    """Add the bank holidays in GOV.UK's bank-holidays.json to those the service knows."""
    path, raw = _read(file)
    try:
        found = parse_bank_holidays(raw)
    except BankHolidayFileError as exc:
        raise click.ClickException(f"{path.name}: {exc}; nothing was imported") from None
    with session_scope(current_app.extensions["encompass_engine"]) as session:
        counts = store_bank_holidays(session, found)
        audit.record(
            session,
            "bank_holidays.imported",
            remote_addr="command line",
            detail=", ".join(f"{d} {n}" for d, n in counts.items()),
        )
    click.echo("bank holidays: " + ", ".join(f"{n} for {d}" for d, n in counts.items()))
