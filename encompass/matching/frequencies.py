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
from sqlmodel import col

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
    bind.execute(delete(NameFrequency))
    for start in range(0, len(rows), _BATCH):
        bind.execute(insert(NameFrequency), rows[start : start + _BATCH])
    return total


def name_stats(session: Any, given_names: Iterable[str], family_names: Iterable[str]) -> NameStats:
    """The counts for these first names and surnames, and the number of pupils (one
    primary-key lookup each, in plain SQL: it runs for every child)."""
    wanted_given, wanted_family = sorted(set(given_names)), sorted(set(family_names))
    mark = placeholder(session)
    # Only placeholders go into the text; the names are bound parameters.
    statement = (
        "SELECT kind, name, pupils FROM name_frequency WHERE (kind = 'total' AND name = '') "  # noqa: S608
        f"OR (kind = 'given' AND name IN ({marks(len(wanted_given), mark) or 'NULL'})) "
        f"OR (kind = 'family' AND name IN ({marks(len(wanted_family), mark) or 'NULL'}))"
    )
    total = 0
    given: dict[str, int] = {}
    family: dict[str, int] = {}
    for kind, name, pupils in fetch(session, statement, wanted_given + wanted_family):
        if kind == "total":
            total = int(pupils)
        elif kind == "given":
            given[name] = int(pupils)
        else:
            family[name] = int(pupils)
    return NameStats(total, given, family)
