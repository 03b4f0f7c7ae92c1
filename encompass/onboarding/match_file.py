"""`encompass roll match`: the live matching engine over a CSV of children; stores nothing.

One session for the whole file: what the engine looks up once (name counts, setting
kinds) it keeps for the rest of the file.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from encompass.matching import ChildFacts, resolve_child
from encompass.models import Setting
from encompass.models.fields import normalise_postcode
from encompass.onboarding.csvfile import parse_date, read_rows

REQUIRED = ("ref", "given_name", "family_name", "date_of_birth", "postcode")
OUTCOMES = ("matched", "review", "unmatched")

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


def match_file(session: Session, path: Path) -> tuple[str, dict[str, int]]:
    """CSV text `ref,outcome,setting_urn,score` and counts per outcome."""
    _, numbered = read_rows(path, REQUIRED)
    if session.get_bind().dialect.name == "postgresql":
        # The matcher's few statement shapes, planned once for the whole file rather than
        # once per child, and never with parallel workers: each lookup reads a few index
        # entries, and starting workers costs more (this transaction only; the command
        # rolls it back anyway).
        session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    results = _match_rows(session, [row for _, row in numbered])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["ref", "outcome", "setting_urn", "score"])
    writer.writerows(results)
    counts = dict.fromkeys(OUTCOMES, 0)
    for _, outcome, _, _ in results:
        counts[outcome] += 1
    return out.getvalue(), counts
