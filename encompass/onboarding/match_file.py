"""`encompass roll match`: the live matching engine over a CSV of children; stores nothing.

One session for the whole file: what the engine looks up once (name counts, setting
kinds) it keeps for the rest of the file.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from encompass.db import make_engine
from encompass.files.csvfile import parse_date, read_rows
from encompass.matching import ChildFacts, Verdict, resolve_child, siblings_from
from encompass.models import Setting
from encompass.models.fields import normalise_postcode

REQUIRED = ("ref", "given_name", "family_name", "date_of_birth", "postcode")
# The file says matched, review or unmatched (the matcher's verdicts but no_setting).
OUTCOMES: tuple[str, ...] = (Verdict.MATCHED, Verdict.REVIEW, Verdict.UNMATCHED)
# Sessions matching a long file at once on PostgreSQL, and the fewest children each.
WORKERS = 2
PART = 100

Row = tuple[str, str, str, str]  # ref, outcome, setting_urn, score


def _date(value: str) -> date | None:
    """The date, or None when it is empty or cannot be a date (31 November): missing
    evidence, never a reason to stop reading the child."""
    value = value.strip()
    if len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


def _postcode(value: str) -> str | None:
    """The postcode, or None when it is empty or not a postcode: missing evidence."""
    try:
        return normalise_postcode(value) if value.strip() else None
    except ValueError:
        return None


def _age(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and int(text) <= 17 else None


def _given(row: dict[str, str]) -> str:
    """The given name with the middle names after it, as a notice gives them."""
    return " ".join(p for p in (row["given_name"], row.get("middle_names") or "") if p.strip())


def _facts(rows: list[dict[str, str]]) -> list[ChildFacts]:
    """Each row as the matcher is told of it; rows with the same `notice` value are one
    notice's children, each the others' brothers and sisters."""
    plain = [
        ChildFacts(
            _given(row),
            row["family_name"],
            _date(row["date_of_birth"]),
            _postcode(row["postcode"]),
            address=row.get("address") or "",
            age_years=_age(row.get("age_years")),
        )
        for row in rows
    ]
    notices: dict[str, list[int]] = {}
    for n, row in enumerate(rows):
        if (row.get("notice") or "").strip():
            notices.setdefault(row["notice"].strip(), []).append(n)
    out = list(plain)
    for members in notices.values():
        for n in members:
            others = siblings_from(plain[m] for m in members if m != n)
            out[n] = replace(plain[n], siblings=others)
    return out


def _match_rows(session: Session, children: list[tuple[str, ChildFacts]], today: date) -> list[Row]:
    out: list[Row] = []
    urns: dict[int, str] = {}
    for ref, facts in children:
        result = resolve_child(session, facts, today=today)
        outcome = result.outcome
        if outcome == Verdict.NO_SETTING:
            # On a council's home education register: found, and that team is where it goes.
            outcome = Verdict.MATCHED if result.setting_id is not None else Verdict.UNMATCHED
        urn = ""
        if outcome == Verdict.MATCHED and result.setting_id is not None:
            # Dual registration: every setting told, the first one first ("121212;121345").
            told = (result.setting_id, *result.also_settings)
            for setting_id in told:
                if setting_id not in urns:
                    setting = session.get(Setting, setting_id)
                    urns[setting_id] = setting.urn if setting else ""
            urn = ";".join(urns[setting_id] for setting_id in told)
        out.append((ref, outcome, urn, f"{result.score:.2f}"))
    return out


def _tune(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # The matcher's few statement shapes, planned once for the whole file rather than
        # once per child, and never with parallel workers: each lookup reads a few index
        # entries, and starting workers costs more (this transaction only; the command
        # rolls it back anyway).
        session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def _match_part(url: str, today: date, children: list[tuple[str, ChildFacts]]) -> list[Row]:
    """One part of the file, in a process of its own with its own connection."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            _tune(session)
            return _match_rows(session, children, today)
    finally:
        engine.dispose()


def match_file(session: Session, path: Path, *, today: date) -> tuple[str, dict[str, int]]:
    """CSV text `ref,outcome,setting_urn,score` and counts per outcome; `today` (the local
    date) gives a child known only by its age its age band, as on a live notice. On
    PostgreSQL a long file is matched by WORKERS processes at once, in parts, written back
    in order: while one waits for the server, another works (on SQLite the work is all
    this machine's CPU either way)."""
    _, numbered = read_rows(path, REQUIRED)
    rows = [row for _, row in numbered]
    # Brothers and sisters are found across the whole file before it is split in parts.
    children = [(row["ref"], facts) for row, facts in zip(rows, _facts(rows), strict=True)]
    engine = session.get_bind()
    if engine.dialect.name == "postgresql" and len(children) >= WORKERS * PART:
        size = -(-len(children) // WORKERS)
        parts = [children[start : start + size] for start in range(0, len(children), size)]
        url = engine.engine.url.render_as_string(hide_password=False)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
            match = partial(_match_part, url, today)
            results = [r for part in pool.map(match, parts) for r in part]
    else:
        _tune(session)
        results = _match_rows(session, children, today)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["ref", "outcome", "setting_urn", "score"])
    writer.writerows(results)
    counts = dict.fromkeys(OUTCOMES, 0)
    for _, outcome, _, _ in results:
        counts[outcome] += 1
    return out.getvalue(), counts
