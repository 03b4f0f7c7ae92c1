"""`encompass teams add|list`: a council's teams for children with no setting.

- kind `fallback`: where unborn children and children under school age on no roll go
  (health visiting, midwifery safeguarding, early help);
- kind `home_education`: the council's elective home education team. Its register of
  home-educated children is imported as the team's roll (`encompass roll import` with
  the team's URN); a child found on it goes to the team, `no_setting` on the police API.

Teams are settings with a URN of the council's choosing, so Key Adults (`contacts
import`), calendars and alerts work for them as for any setting.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import col, select

from encompass.db import session_scope
from encompass.models import Setting
from encompass.models.fields import normalise_postcode

TEAM_KINDS = ("fallback", "home_education")
teams_group = AppGroup("teams", help="Council teams for children with no setting.")


@teams_group.command("add")
@click.argument("urn")
@click.argument("name")
@click.option("--la", "la_code", required=True, help="The council's LA code, like 816.")
@click.option("--kind", type=click.Choice(TEAM_KINDS), default="fallback", show_default=True)
@click.option("--postcode", default="", help="The team's office postcode.")
def teams_add(urn: str, name: str, la_code: str, kind: str, postcode: str) -> None:
    """Add a team (or update the one with this URN)."""
    urn, name, la_code = urn.strip().upper(), name.strip(), la_code.strip()
    if not urn or len(urn) > 20 or not name or len(name) > 200:
        raise click.ClickException("give a URN of up to 20 characters and a name")
    if not la_code or len(la_code) > 10:
        raise click.ClickException(f"--la {la_code!r} is not an LA code, like 816")
    try:
        postcode = normalise_postcode(postcode) if postcode else ""
    except ValueError as exc:
        raise click.ClickException(f"--postcode: {exc}") from None
    with session_scope(current_app.extensions["encompass_engine"]) as session:
        team = session.exec(select(Setting).where(Setting.urn == urn)).first()
        if team is not None and team.kind not in TEAM_KINDS:
            raise click.ClickException(f"{urn} is a {team.kind}, not a team")
        team = team or Setting(urn=urn, name=name)
        team.name, team.kind, team.la_code, team.postcode = name, kind, la_code, postcode
        team.type_name = "Home education team" if kind == "home_education" else "Fallback team"
        session.add(team)
    click.echo(f"{kind} team {urn} {name!r} for council {la_code}")


@teams_group.command("list")
def teams_list() -> None:
    """Every council team, by council."""
    with session_scope(current_app.extensions["encompass_engine"]) as session:
        teams = session.exec(
            select(Setting)
            .where(col(Setting.kind).in_(TEAM_KINDS))
            .order_by(col(Setting.la_code), col(Setting.kind), col(Setting.urn))
        ).all()
        for team in teams:
            click.echo(f"{team.la_code}\t{team.kind}\t{team.urn}\t{team.name}")
