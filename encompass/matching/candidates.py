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
6. with block 5: the date itself, and the surname, or the first name,
   starts with the same two sounds (one name and the postcode both
   wrong: Whites for White, a mistyped district)              ix_pupil_dob_phon, ix_pupil_dob_given
7. with block 5: the same house (postcode area, house number and the
   street's first letters: a mistyped postcode, and a name or the date
   wrong), with a name that sounds the same or the same date          ix_pupil_house
8. with block 5: everyone at the child's postcode (both names and the
   date mistyped beyond their sounds: Negenht for Negent, Emiiy for
   Emiily, the date in another year)                                   ix_pupil_postcode
Each block of the second look is read up to its own limit; one that reaches it is left
out (a rival could be among the pupils it did not read).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from sqlmodel import Session

from encompass.matching.dates import digit_dates, near_dates, same_day_dates
from encompass.matching.nicknames import related_names
from encompass.matching.normalise import family_primary, first_name, house_key, phonetic
from encompass.matching.sql import as_date, fetch, marks, placeholder

MAX_CANDIDATES = 500
# The second look by names alone is for rare names: more pupils than this and it is dropped.
MAX_BY_NAMES = 40
# The second look by the date and one name's first sounds, or by the house: more than this
# and that block is dropped.
MAX_BY_INITIAL = 40
MAX_BY_HOUSE = 20
# The second look at everyone at the child's postcode: a street of houses holds a few dozen
# pupils at most; more than this (a block of flats, a postcode shared by a hall) and it is
# dropped.
MAX_BY_POSTCODE = 40


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
    # The child's address: its house key is worked out only for the second look.
    address: str = ""
    # The first two sounds of the child's own surname and first name (the second look).
    initials: tuple[str, str] = ("", "")

    @property
    def house(self) -> str:
        return house_key(self.address, self.postcode) if self.address else ""

    @classmethod
    def for_child(
        cls, given_key: str, family_key: str, dob: date | None, postcode: str, address: str = ""
    ) -> BlockingKeys:
        given, family = _name_keys(given_key, family_key)
        return cls(
            given=given,
            family=family,
            near=near_dates(dob) if dob else (),
            far=digit_dates(dob) if dob else (),
            postcode=postcode,
            same_day=same_day_dates(dob) if dob else (),
            address=address,
            initials=(
                phonetic(family_primary(family_key))[:2] if family_key else "",
                phonetic(first_name(given_key))[:2] if given_key else "",
            ),
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
        return _second_look(keys, any_of, dates, mark, params)
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
        alike = _alike(keys, any_of, dates(keys.near + keys.far))
        parts.append(f"{head}postcode_key = {mark} AND ({alike})")
    if not parts:
        return "", []
    return " UNION ALL ".join(parts) + f" LIMIT {MAX_CANDIDATES}", params


def _alike(keys: BlockingKeys, any_of: Any, days: tuple[Any, ...]) -> str:
    """Either name sounds the same, or the date of birth is one of `days`: ORed."""
    alike = []
    if keys.family:
        alike.append(any_of("family_phon", keys.family))
    if keys.given:
        alike.append(any_of("given_phon", keys.given))
    if days:
        alike.append(any_of("date_of_birth", days))
    return " OR ".join(alike)


def _second_look(
    keys: BlockingKeys, any_of: Any, dates: Any, mark: str, params: list[Any]
) -> tuple[str, list[Any]]:
    """Blocks 5 to 8, each read up to its own limit; the first column says which block
    found the row ("n" both names, "d0"/"d1" the date and a name's first sounds, "h" the
    house, "p" the postcode).
    Only placeholders and fixed column names go in; every value is a bound parameter."""
    given, family = keys.given, keys.family
    parts = []

    def block(tag: str, where: str, limit: int) -> str:
        return (
            f"SELECT * FROM (SELECT '{tag}', {_COLUMNS} FROM pupil "  # noqa: S608
            f"WHERE {where} LIMIT {limit}) AS {tag}"
        )

    if given and family:
        where = any_of("family_phon", family) + " AND " + any_of("given_phon", given)
        parts.append(block("n", where, MAX_BY_NAMES))
    if keys.same_day:
        day = keys.same_day[:1]
        for n, (column, initial) in enumerate(
            zip(("family_phon", "given_phon"), keys.initials, strict=True)
        ):
            if not initial:
                continue
            on_day = any_of("date_of_birth", dates(day))
            params.extend((initial, initial[:-1] + chr(ord(initial[-1]) + 1)))
            where = f"{on_day} AND {column} >= {mark} AND {column} < {mark}"
            parts.append(block(f"d{n}", where, MAX_BY_INITIAL))
    house = keys.house
    if house:
        # At the house, a child with something of its own alike: a name's sound or the date.
        params.append(house)
        alike = _alike(keys, any_of, dates(keys.same_day))
        if alike:
            parts.append(block("h", f"address_key = {mark} AND ({alike})", MAX_BY_HOUSE))
        else:
            params.pop()
    if keys.postcode:
        params.append(keys.postcode)
        parts.append(block("p", f"postcode_key = {mark}", MAX_BY_POSTCODE))
    return " UNION ALL ".join(parts), params


_LIMITS = {
    "n": MAX_BY_NAMES,
    "d0": MAX_BY_INITIAL,
    "d1": MAX_BY_INITIAL,
    "h": MAX_BY_HOUSE,
    "p": MAX_BY_POSTCODE,
}


def find_candidates(
    session: Session,
    keys: BlockingKeys,
    *,
    names_only: bool = False,
    keep: Callable[[str, PupilRow], bool] | None = None,
) -> tuple[list[PupilRow], bool]:
    """Every pupil in any block, once each, and whether there were too many to read them
    all (then nothing may be matched: a rival could be among those left). Plain SQL
    through the driver: this runs for every child on every notice, and building
    SQLAlchemy statements costs more than the index lookups themselves. `names_only`: the
    second look, when the blocks above found nobody certain (blocks 5 to 7); `keep(block,
    row)` drops rows of blocks 6 and 7 not worth scoring (found by the date and a first
    sound, but nothing else alike)."""
    statement, params = query_for(keys, sqlite=placeholder(session) == "?", names_only=names_only)
    if not statement:
        return [], False
    rows = fetch(session, statement, params)
    if names_only:
        # Each block of the second look has its own limit: a block that reached it is
        # left out; `overflow` then says whether the look by both names was.
        counts = Counter(row[0] for row in rows)
        full = {block for block, n in counts.items() if n >= _LIMITS[block]}
        overflow = "n" in full
        tagged = [(row[0], _row(row[1:])) for row in rows if row[0] not in full]
        pupils = [
            pupil for block, pupil in tagged if keep is None or block == "n" or keep(block, pupil)
        ]
    else:
        overflow = len(rows) >= MAX_CANDIDATES
        pupils = [_row(row) for row in rows]
    found: dict[int, PupilRow] = {}
    for pupil in pupils:
        found.setdefault(pupil.id, pupil)
    return list(found.values()), overflow


def _row(row: Any) -> PupilRow:
    return PupilRow(*row[:6], as_date(row[6]), *row[7:])  # type: ignore[call-arg]


def pupil_row(session: Session, pupil_id: int) -> PupilRow | None:
    """One pupil, as the blocks read it."""
    mark = placeholder(session)
    rows = fetch(session, f"SELECT {_COLUMNS} FROM pupil WHERE id = {mark}", (pupil_id,))  # noqa: S608
    return _row(rows[0]) if rows else None
