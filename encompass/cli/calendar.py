"""`encompass calendar import FILE (--la CODE | --setting URN)`."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import select

from encompass.calendar.imports import CalendarFileError, read_calendar, replace_calendar
from encompass.db import session_scope, utcnow
from encompass.models import Setting

calendar_group = AppGroup("calendar", help="Term dates, holidays and INSET days.")


@calendar_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--la", "la_code", help="The council's LA code: its schools' calendar.")
@click.option("--setting", "setting_urn", help="One setting's own calendar (overrides the LA's).")
def calendar_import(file: str, la_code: str | None, setting_urn: str | None) -> None:
    """Import term dates from .ics or CSV (start,end,kind); replaces that calendar."""
    if bool(la_code) == bool(setting_urn):
        raise click.UsageError("give exactly one of --la CODE or --setting URN")
    path = Path(file)
    if not path.is_file():
        raise click.ClickException(f"no such file: {file}")
    tz = ZoneInfo(current_app.config["ENCOMPASS_TIMEZONE"])
    try:
        entries = read_calendar(path, tz, utcnow().date())
    except CalendarFileError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{path.name}: {exc}; nothing was imported") from None
    with session_scope(current_app.extensions["encompass_engine"]) as session:
        setting_id = None
        if setting_urn:
            setting = session.exec(select(Setting).where(Setting.urn == setting_urn)).first()
            if setting is None:
                raise click.ClickException(f"no setting with URN {setting_urn}")
            setting_id = setting.id
        count = replace_calendar(session, entries, la_code=la_code, setting_id=setting_id)
    kinds = {k: sum(1 for e in entries if e.span.kind == k) for k in ("term", "holiday", "inset")}
    scope = f"setting {setting_urn}" if setting_urn else f"LA {la_code}"
    click.echo(
        f"calendar for {scope}: {count} accepted ({kinds['term']} terms, "
        f"{kinds['holiday']} closures, {kinds['inset']} INSET), 0 rejected"
    )
