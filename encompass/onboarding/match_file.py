"""`encompass roll match`: the live matching engine over a CSV of children; stores nothing.

One session for the whole file: what the engine looks up once (name counts, setting
kinds) it keeps for the rest of the file.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from functools import partial
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from encompass.db import make_engine
from encompass.matching import ChildFacts, resolve_child
from encompass.models import Setting
from encompass.models.fields import normalise_postcode
from encompass.onboarding.csvfile import parse_date, read_rows

REQUIRED = ("ref", "given_name", "family_name", "date_of_birth", "postcode")
OUTCOMES = ("matched", "review", "unmatched")
# Sessions matching a long file at once on PostgreSQL, and the fewest children each.
WORKERS = 2
PART = 100

Row = tuple[str, str, str, str]  # ref, outcome, setting_urn, score


def _date(value: str) -> date:
    if len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return parse_date(value)


def _match_rows(session: Session, rows: list[dict[str, str]]) -> list[Row]:
    out: list[Row] = []
    urns: dict[int, str] = {}
    for row in rows:
        try:
            dob = _date(row["date_of_birth"])
            postcode = normalise_postcode(row["postcode"]) if row["postcode"] else None
        except ValueError:
            # A child we cannot even read is for a person to look at, never a guess.
            out.append((row["ref"], "review", "", "0.00"))
            continue
        result = resolve_child(
            session,
            ChildFacts(
                row["given_name"], row["family_name"], dob, postcode, address=row.get("address", "")
            ),
        )
        outcome = result.outcome if result.outcome in OUTCOMES else "review"
        if result.outcome == "no_setting":
            # On a council's home education register: found, and that team is where it goes.
            outcome = "matched" if result.setting_id is not None else "unmatched"
        urn = ""
        if outcome == "matched" and result.setting_id is not None:
            if result.setting_id not in urns:
                setting = session.get(Setting, result.setting_id)
                urns[result.setting_id] = setting.urn if setting else ""
            urn = urns[result.setting_id]
        out.append((row["ref"], outcome, urn, f"{result.score:.2f}"))
    return out


def _tune(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # The matcher's few statement shapes, planned once for the whole file rather than
        # once per child, and never with parallel workers: each lookup reads a few index
        # entries, and starting workers costs more (this transaction only; the command
        # rolls it back anyway).
        session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def _match_part(url: str, rows: list[dict[str, str]]) -> list[Row]:
    """One part of the file, in a process of its own with its own connection."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            _tune(session)
            return _match_rows(session, rows)
    finally:
        engine.dispose()


def match_file(session: Session, path: Path) -> tuple[str, dict[str, int]]:
    """CSV text `ref,outcome,setting_urn,score` and counts per outcome. On PostgreSQL a
    long file is matched by WORKERS processes at once, in parts, written back in order:
    while one waits for the server, another works (on SQLite the work is all this
    machine's CPU either way)."""
    _, numbered = read_rows(path, REQUIRED)
    rows = [row for _, row in numbered]
    engine = session.get_bind()
    if engine.dialect.name == "postgresql" and len(rows) >= WORKERS * PART:
        size = -(-len(rows) // WORKERS)
        parts = [rows[start : start + size] for start in range(0, len(rows), size)]
        url = engine.engine.url.render_as_string(hide_password=False)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
            results = [r for part in pool.map(partial(_match_part, url), parts) for r in part]
    else:
        _tune(session)
        results = _match_rows(session, rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["ref", "outcome", "setting_urn", "score"])
    writer.writerows(results)
    counts = dict.fromkeys(OUTCOMES, 0)
    for _, outcome, _, _ in results:
        counts[outcome] += 1
    return out.getvalue(), counts
