"""`encompass roll match`: the live matching engine over a CSV of children; stores nothing.

A large file is shared out between worker processes (one per CPU, at most four), each
with its own database connection; the output keeps the file's order.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sqlmodel import Session

from encompass.matching import ChildFacts, resolve_child
from encompass.models import Setting
from encompass.onboarding.csvfile import parse_date, read_rows
from encompass.validation import normalise_postcode

REQUIRED = ("ref", "given_name", "family_name", "date_of_birth", "postcode")
PARALLEL_FROM = 2000
MAX_WORKERS = 4
OUTCOMES = ("matched", "review", "unmatched")

Row = tuple[str, str, str, str]  # ref, outcome, setting_urn, score


def _match_rows(session: Session, rows: list[dict[str, str]]) -> list[Row]:
    out: list[Row] = []
    urns: dict[int, str] = {}
    for row in rows:
        try:
            dob = parse_date(row["date_of_birth"])
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


def _match_chunk(url: str, rows: list[dict[str, str]]) -> list[Row]:
    """In a worker process: its own engine and session on the same database."""
    from encompass.db import make_engine

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return _match_rows(session, rows)
    finally:
        engine.dispose()


def _workers(session: Session, rows: int, workers: int | None) -> tuple[int, str | None]:
    url = session.get_bind().engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return 1, None  # a private in-memory database cannot be shared
    wanted = workers or min(MAX_WORKERS, os.cpu_count() or 1)
    if wanted < 2 or rows < PARALLEL_FROM:
        return 1, None
    return wanted, url.render_as_string(hide_password=False)


def match_file(
    session: Session, path: Path, *, workers: int | None = None
) -> tuple[str, dict[str, int]]:
    """CSV text `ref,outcome,setting_urn,score` and counts per outcome."""
    _, numbered = read_rows(path, REQUIRED)
    rows = [row for _, row in numbered]
    count, url = _workers(session, len(rows), workers)
    if url is None:
        results = _match_rows(session, rows)
    else:
        size = -(-len(rows) // (count * 4))
        chunks = [rows[start : start + size] for start in range(0, len(rows), size)]
        # Forked, before this process has used its own connection: each worker opens
        # its own, and none is shared across the fork.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(count, mp_context=context) as pool:
            results = [
                r for part in pool.map(_match_chunk, [url] * len(chunks), chunks) for r in part
            ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["ref", "outcome", "setting_urn", "score"])
    writer.writerows(results)
    counts = dict.fromkeys(OUTCOMES, 0)
    for _, outcome, _, _ in results:
        counts[outcome] += 1
    return out.getvalue(), counts
