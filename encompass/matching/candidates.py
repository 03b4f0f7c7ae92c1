"""Finding the few pupils worth scoring, through indexes: never a scan of the rolls.

Blocks (each one index; a pupil found by several is scored once):
1. date of birth, a day either side or day and month swapped; surname sounds the same
   (either of the child's names, for names given in the wrong order)   ix_pupil_dob_phon
2. the date itself or day and month swapped; first name sounds the
   same, or is a nickname of it                                          ix_pupil_dob_given
3. a date one digit out or with two digits transposed, and both names
   sound the same (only without a postcode: with one, block 4 has these) ix_pupil_dob_phon
4. the same postcode, and any one of: the surname, the first name or one
   of the dates above                                                    ix_pupil_postcode
5. only when these found nobody certain: both names sound the same,
   whatever the date of birth and postcode (a date and a postcode both
   wrong, or a family that moved and a date mistyped)                    ix_pupil_names
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from sqlmodel import Session

from encompass.matching.dates import digit_dates, near_dates, same_day_dates
from encompass.matching.nicknames import related_names
from encompass.matching.normalise import family_primary, first_name, phonetic
from encompass.matching.sql import fetch, marks, placeholder

MAX_CANDIDATES = 500
# The second look by names alone is for rare names: more pupils than this and it is dropped.
MAX_BY_NAMES = 40


class PupilRow(NamedTuple):
    id: int
    setting_id: int
    given_name: str
    family_name: str
    given_key: str
    family_key: str
    date_of_birth: date
    postcode: str
    postcode_key: str
    address: str


_COLUMNS = (
    "id, setting_id, given_name, family_name, given_key, family_key, date_of_birth, "
    "postcode, postcode_key, address"
)


@dataclass(frozen=True)
class BlockingKeys:
    given: tuple[str, ...]
    family: tuple[str, ...]
    near: tuple[date, ...]
    far: tuple[date, ...]
    postcode: str
    # The date itself, and day and month swapped: the given-name block's dates.
    same_day: tuple[date, ...] = ()

    @classmethod
    def for_child(
        cls, given_key: str, family_key: str, dob: date | None, postcode: str
    ) -> BlockingKeys:
        given, family = _name_keys(given_key, family_key)
        return cls(
            given=given,
            family=family,
            near=near_dates(dob) if dob else (),
            far=digit_dates(dob) if dob else (),
            postcode=postcode,
            same_day=same_day_dates(dob) if dob else (),
        )


@lru_cache(maxsize=16384)
def _name_keys(given_key: str, family_key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    given: set[str] = set()
    family: set[str] = set()
    for first, last in ((given_key, family_key), (family_key, given_key)):
        name = first_name(first)
        if name:
            given.add(phonetic(name))
            given.update(phonetic(other) for other in related_names(name))
        if last:
            family.add(phonetic(family_primary(last)))
            family.update(phonetic(word) for word in last.split())
    given.discard("")
    family.discard("")
    return tuple(sorted(given)), tuple(sorted(family))


@lru_cache(maxsize=16384)
def _iso(dates: tuple[date, ...]) -> tuple[str, ...]:
    """SQLite keeps dates as ISO text."""
    return tuple(d.isoformat() for d in dates)


def query_for(keys: BlockingKeys, sqlite: bool, names_only: bool = False) -> tuple[str, list[Any]]:
    """The SQL of the blocks for these keys and its parameters, in order. SQLite gets
    `IN (?, ?, ...)`; PostgreSQL gets `= ANY(%s)` with an array, so that the statement
    text is one of a handful and the server keeps it prepared."""
    mark = "?" if sqlite else "%s"
    params: list[Any] = []

    def any_of(column: str, values: tuple[Any, ...]) -> str:
        if sqlite:
            params.extend(values)
            return f"{column} IN ({marks(len(values), mark)})"
        params.append(list(values))
        return f"{column} = ANY({mark})"

    def dates(values: tuple[date, ...]) -> tuple[Any, ...]:
        return _iso(values) if sqlite else values

    # Only placeholders and fixed column names go in; every value is a bound parameter.
    head = f"SELECT {_COLUMNS} FROM pupil WHERE "  # noqa: S608
    given, family = keys.given, keys.family
    parts = []
    if names_only:
        # Both names sound alike, whatever the date and postcode say    ix_pupil_names
        if not (given and family):
            return "", []
        statement = head + any_of("family_phon", family) + " AND " + any_of("given_phon", given)
        return statement + f" LIMIT {MAX_BY_NAMES}", params
    if keys.near and family:
        parts.append(
            head
            + any_of("date_of_birth", dates(keys.near))
            + " AND "
            + any_of("family_phon", family)
        )
    if keys.same_day and given:
        parts.append(
            head
            + any_of("date_of_birth", dates(keys.same_day))
            + " AND "
            + any_of("given_phon", given)
        )
    if keys.far and family and given and not keys.postcode:
        parts.append(
            head
            + any_of("date_of_birth", dates(keys.far))
            + " AND "
            + any_of("family_phon", family)
            + " AND "
            + any_of("given_phon", given)
        )
    if keys.postcode and (family or given or keys.near):
        params.append(keys.postcode)
        alike = []
        if family:
            alike.append(any_of("family_phon", family))
        if given:
            alike.append(any_of("given_phon", given))
        if keys.near:
            alike.append(any_of("date_of_birth", dates(keys.near + keys.far)))
        parts.append(f"{head}postcode_key = {mark} AND ({' OR '.join(alike)})")
    if not parts:
        return "", []
    return " UNION ALL ".join(parts) + f" LIMIT {MAX_CANDIDATES}", params


def find_candidates(
    session: Session, keys: BlockingKeys, *, names_only: bool = False
) -> tuple[list[PupilRow], bool]:
    """Every pupil in any block, once each, and whether there were too many to read them
    all (then nothing may be matched: a rival could be among those left). Plain SQL
    through the driver: this runs for every child on every notice, and building
    SQLAlchemy statements costs more than the index lookups themselves. `names_only`: the
    second look, when the blocks above found nobody certain (block 5)."""
    statement, params = query_for(keys, sqlite=placeholder(session) == "?", names_only=names_only)
    if not statement:
        return [], False
    found: dict[int, PupilRow] = {}
    rows = fetch(session, statement, params)
    limit = MAX_BY_NAMES if names_only else MAX_CANDIDATES
    for row in rows:
        if row[0] not in found:
            dob = date.fromisoformat(row[6]) if isinstance(row[6], str) else row[6]
            found[row[0]] = PupilRow(*row[:6], dob, *row[7:])  # type: ignore[call-arg]
    return list(found.values()), len(rows) >= limit
