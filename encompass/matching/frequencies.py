"""How common a name is on the rolls: agreeing on a rare name is stronger evidence.

The counts are rebuilt after each roll import (one GROUP BY over the pupils). A name's
share is smoothed towards a prior of 1 in 500, as if 20,000 more pupils had been seen,
so that a small roll (a pilot council, a test) does not make every name look unique.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session, col

from encompass.matching.normalise import first_name
from encompass.matching.sql import fetch, marks, placeholder
from encompass.models import NameFrequency, Pupil

PRIOR_SHARE = 0.002
PRIOR_PUPILS = 20_000
_BATCH = 5000


@dataclass(frozen=True)
class NameStats:
    total: int = 0
    given: dict[str, int] = field(default_factory=dict)
    family: dict[str, int] = field(default_factory=dict)

    def share(self, kind: str, name: str) -> float:
        """The smoothed share of pupils with this first name ("given") or surname."""
        counts = self.given if kind == "given" else self.family
        return (counts.get(name, 0) + PRIOR_PUPILS * PRIOR_SHARE) / (self.total + PRIOR_PUPILS)


def refresh_name_frequencies(bind: Any) -> int:
    """Recount first names and surnames over every roll; `bind` is a Session or Connection.
    Returns the number of pupils counted."""
    given: Counter[str] = Counter()
    for given_key, n in bind.execute(
        select(col(Pupil.given_key), func.count()).group_by(col(Pupil.given_key))
    ):
        given[first_name(given_key)] += n
    family: Counter[str] = Counter()
    for family_key, n in bind.execute(
        select(col(Pupil.family_key), func.count()).group_by(col(Pupil.family_key))
    ):
        family[family_key] += n
    total = sum(family.values())
    rows: list[dict[str, Any]] = [{"kind": "total", "name": "", "pupils": total}]
    rows += [{"kind": "given", "name": k[:100], "pupils": n} for k, n in given.items() if k]
    rows += [{"kind": "family", "name": k[:100], "pupils": n} for k, n in family.items() if k]
    if isinstance(bind, Session):
        bind.info.pop("encompass_name_counts", None)  # counts name_stats kept
    bind.execute(delete(NameFrequency))
    for start in range(0, len(rows), _BATCH):
        bind.execute(insert(NameFrequency), rows[start : start + _BATCH])
    return total


def name_stats(session: Any, given_names: Iterable[str], family_names: Iterable[str]) -> NameStats:
    """The counts for these first names and surnames, and the number of pupils. Counts
    already read are kept for the session's life (a request, one `roll match`), so a
    file of children repeats no lookup; the rest are primary-key lookups in plain SQL."""
    known: dict[tuple[str, str], int] = session.info.setdefault("encompass_name_counts", {})
    wanted = {("given", n) for n in given_names} | {("family", n) for n in family_names}
    wanted.add(("total", ""))
    missing = sorted(w for w in wanted if w not in known)
    if missing:
        given = [name for kind, name in missing if kind == "given"]
        family = [name for kind, name in missing if kind == "family"]
        mark = placeholder(session)
        # Only placeholders go into the text; the names are bound parameters.
        statement = (
            "SELECT kind, name, pupils FROM name_frequency "  # noqa: S608
            "WHERE (kind = 'total' AND name = '') "
            f"OR (kind = 'given' AND name IN ({marks(len(given), mark) or 'NULL'})) "
            f"OR (kind = 'family' AND name IN ({marks(len(family), mark) or 'NULL'}))"
        )
        for key in missing:
            known[key] = 0  # a name on no roll counts 0
        for kind, name, pupils in fetch(session, statement, given + family):
            known[(kind, name)] = int(pupils)
    return NameStats(
        known[("total", "")],
        {name: known[("given", name)] for kind, name in wanted if kind == "given"},
        {name: known[("family", name)] for kind, name in wanted if kind == "family"},
    )
