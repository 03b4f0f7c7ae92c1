"""`encompass roll match`: the live matching engine over a CSV of children; stores nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlmodel import Session

from encompass.matching import ChildFacts, resolve_child
from encompass.models import Setting
from encompass.onboarding.csvfile import read_rows
from encompass.validation import normalise_postcode

REQUIRED = ("ref", "given_name", "family_name", "date_of_birth", "postcode")


def match_file(session: Session, path: Path) -> tuple[str, dict[str, int]]:
    """CSV text `ref,outcome,setting_urn,score` and counts per outcome."""
    from encompass.onboarding.csvfile import parse_date

    _, rows = read_rows(path, REQUIRED)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["ref", "outcome", "setting_urn", "score"])
    counts = {"matched": 0, "review": 0, "unmatched": 0}
    urns: dict[int, str] = {}
    for _, row in rows:
        try:
            dob = parse_date(row["date_of_birth"])
            postcode = normalise_postcode(row["postcode"]) if row["postcode"] else None
        except ValueError:
            # A child we cannot even read is for a person to look at, never a guess.
            writer.writerow([row["ref"], "review", "", "0.00"])
            counts["review"] += 1
            continue
        result = resolve_child(
            session,
            ChildFacts(row["given_name"], row["family_name"], dob, postcode),
        )
        outcome = result.outcome if result.outcome in counts else "review"
        urn = ""
        if outcome == "matched" and result.setting_id is not None:
            if result.setting_id not in urns:
                setting = session.get(Setting, result.setting_id)
                urns[result.setting_id] = setting.urn if setting else ""
            urn = urns[result.setting_id]
        writer.writerow([row["ref"], outcome, urn, f"{result.score:.2f}"])
        counts[outcome] += 1
    return out.getvalue(), counts
