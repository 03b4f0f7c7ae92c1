"""`encompass ladder show|set`: a council's default escalation ladder or a setting's own."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session, col, select

from encompass.alerts.ladder import DEFAULT_LADDER, LadderError, validate
from encompass.db import session_scope, utcnow
from encompass.models import EscalationLadder, Setting
from encompass.records import audit

F = TypeVar("F", bound=Callable[..., Any])
ladder_group = AppGroup(
    "ladder", help="Escalation ladders (council default, per-setting override)."
)
_scope = [
    click.option("--la", "la_code", help="The council's LA code: the default for its settings."),
    click.option("--setting", "setting_urn", help="One setting's own ladder."),
]


def _with_scope(func: F) -> F:
    for option in reversed(_scope):
        func = option(func)
    return func


def _find(
    session: Session, la_code: str | None, setting_urn: str | None
) -> tuple[int | None, EscalationLadder | None]:
    if bool(la_code) == bool(setting_urn):
        raise click.UsageError("give exactly one of --la CODE or --setting URN")
    if setting_urn:
        setting = session.exec(select(Setting).where(Setting.urn == setting_urn)).first()
        if setting is None:
            raise click.ClickException(f"no setting with URN {setting_urn}")
        ladder = session.exec(
            select(EscalationLadder).where(EscalationLadder.setting_id == setting.id)
        ).first()
        return setting.id, ladder
    ladder = session.exec(
        select(EscalationLadder).where(
            EscalationLadder.la_code == la_code, col(EscalationLadder.setting_id).is_(None)
        )
    ).first()
    return None, ladder


@ladder_group.command("show")
@_with_scope
def show(la_code: str | None, setting_urn: str | None) -> None:
    """Print the ladder in force for that scope (the built-in default if none is set)."""
    with session_scope(current_app.extensions["encompass_engine"]) as session:
        _, ladder = _find(session, la_code, setting_urn)
        click.echo(json.dumps(ladder.steps if ladder else DEFAULT_LADDER, indent=2))


@ladder_group.command("set")
@click.argument("file", type=click.Path(dir_okay=False))
@_with_scope
def set_ladder(file: str, la_code: str | None, setting_urn: str | None) -> None:
    """Set the ladder from a JSON file (a list of steps; see encompass/alerts/ladder.py)."""
    try:
        steps = validate(json.loads(Path(file).read_text(encoding="utf-8")))
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{file} is not JSON: {exc.msg} (line {exc.lineno})") from None
    except LadderError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    with session_scope(current_app.extensions["encompass_engine"]) as session:
        setting_id, ladder = _find(session, la_code, setting_urn)
        scope = f"setting {setting_urn}" if setting_urn else f"LA {la_code}"
        ladder = ladder or EscalationLadder(
            la_code=None if setting_id else la_code, setting_id=setting_id
        )
        ladder.steps, ladder.updated_at = steps, utcnow()
        session.add(ladder)
        session.flush()
        audit.record(
            session,
            "ladder.changed",
            object_type="escalation_ladder",
            object_id=ladder.id,
            detail=f"{scope}: {len(steps)} steps",
        )
    click.echo(f"ladder set: {len(steps)} steps; alerts already escalating keep their own copy")
