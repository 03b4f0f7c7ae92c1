"""`encompass translations`: keep the Welsh catalogue in step with the code, and measure it."""

from __future__ import annotations

import click
from flask.cli import AppGroup

translations_group = AppGroup("translations", help="The Welsh (Cymraeg) message catalogue.")


@translations_group.command("update")
def translations_update() -> None:
    """Add the messages the code marks now to the Welsh catalogue, drop gone ones."""
    from encompass.language.catalogue import catalogue_path
    from encompass.language.maintain import translated, update, write

    entries = update()
    write(entries)
    untranslated = sum(1 for m in entries if m.id and not translated(m))
    click.echo(f"{catalogue_path()}: {len(entries)} messages, {untranslated} without Welsh")


@translations_group.command("check")
@click.option("--list", "show", is_flag=True, help="List the messages without Welsh.")
def translations_check(show: bool) -> None:
    """The catalogue's coverage; exits non-zero when a message has no Welsh."""
    from encompass.language.maintain import coverage

    found = coverage()
    click.echo(
        f"Welsh (cy): {found.translated} of {found.total} messages translated "
        f"({found.percent:.0f}%); {found.awaiting_review} awaiting review by a Welsh speaker"
    )
    gaps = found.stale + found.missing
    if show:
        for message in gaps:
            click.echo(f"  no Welsh: {message}")
    if gaps:
        raise click.ClickException(
            f"{len(gaps)} messages have no Welsh translation: "
            "run `encompass translations update`, translate, and check again"
        )
