"""Brothers and sisters on the same notice: evidence that a family moved together.

A family that moved has only names and a date of birth to say who each child is, and a
child on no roll may share them with a pupil (at a million pupils, some do). A careful
person looks at the rest of the notice: when a brother or sister named on it (names and
date of birth agreeing) lives at the candidate's house on the roll, the family has been
found, not a namesake. The chance of that by coincidence is that of a pupil unrelated
to the candidate living at its house: about one household's size over the pupils on the
rolls; when the child is the candidate, the brother or sister is there as often as
children on notices are on a roll. The evidence is log2 of that ratio, and only counts
for a candidate already consistent with being the child by its own given name
(matching/score.py, identity_ok; `may_count`): it never makes a brother or sister into
the child.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlmodel import Session

from encompass.matching.candidates import PupilRow
from encompass.matching.normalise import family_block_key, name_key
from encompass.matching.score import (
    EXACT,
    FIRST_EXACT,
    MIDDLE,
    NICKNAME,
    PARTIAL,
    SPELLING,
    Evidence,
    Scored,
    address_level,
    family_level,
    given_level,
)
from encompass.matching.sql import as_date, fetch, marks, placeholder
from encompass.matching.weights import Weights, bounded

# Pupils in a household that has brothers or sisters on the rolls, about.
HOUSEHOLD = 3
# The most a brother or sister found at the house counts, in bits.
MOST_BITS = 20.0
# Pupils read at one postcode born on a brother's or sister's birthday; more than this
# and nothing counts.
AT_POSTCODE = 200


class Sibling(NamedTuple):
    """Another child on the same notice, as the officer gave it."""

    given_name: str
    family_name: str
    date_of_birth: date | None


def siblings_from(children: Iterable[Any]) -> tuple[Sibling, ...]:
    """Other children on a notice (stored or sent) as the matcher is told of them; an
    unborn child has no name or date of birth to be found by."""
    return tuple(
        Sibling(c.given_name, c.family_name, c.date_of_birth) for c in children if not c.unborn
    )


# How closely a given name fits a pupil's, closest first (for telling twins apart).
_FIT = {EXACT: 3, FIRST_EXACT: 2, NICKNAME: 1, SPELLING: 1}


def _same_child(
    sibling: Sibling, given_key: str, family_key: str, dob: date, child_fit: int = 0
) -> bool:
    """The sibling's names (a nickname or a slip allowed in each) and exact date of birth,
    the given name fitting the pupil at least as closely as the child's own does
    (`child_fit`): twins Alexander and Alexandra on one notice, each is its own pupil."""
    if sibling.date_of_birth != dob:
        return False
    given = given_level(name_key(sibling.given_name), given_key)[0]
    family = family_level(name_key(sibling.family_name), family_key)[0]
    return _FIT.get(given, 0) >= max(child_fit, 1) and family in (EXACT, SPELLING)


# Given names that say which child of the house it is.
OWN_GIVEN = (EXACT, FIRST_EXACT, NICKNAME, MIDDLE, SPELLING)


def may_count(scored: Scored, siblings: Sequence[Sibling]) -> bool:
    """May a brother or sister at the house count for this candidate? Only where the
    candidate is already consistent with being the child, by a given name of its own (a
    missing one could be any child of the house) and a surname not different outright,
    and is not itself one of the other children on the notice."""
    c = scored.comparison
    if not (scored.identity_ok and scored.plausible) or c.order_swapped:
        return False
    if c.given[0] not in OWN_GIVEN or c.family[0] not in (EXACT, SPELLING, PARTIAL):
        return False
    return not is_another_child(scored, siblings)


def is_another_child(scored: Scored, siblings: Sequence[Sibling]) -> bool:
    """Is this candidate one of the other children on the notice (names and date of birth
    as the officer gave them)?"""
    pupil = scored.pupil
    c = scored.comparison
    fit = 0 if c.order_swapped else _FIT.get(c.given[0], 0)
    return any(
        _same_child(s, pupil.given_key, pupil.family_key, pupil.date_of_birth, fit)
        for s in siblings
    )


def another_child(scored: Scored) -> Scored:
    """The candidate is another child on the same notice, so not this one, however alike:
    the twin of a child whose given name was not taken down, a brother at the house."""
    note = "another child on this notice has this pupil's names and date of birth"
    out = scored.plus(Evidence("Another child on the notice", "is this pupil", -MOST_BITS, note))
    out.identity_ok = False
    out.plausible = False
    return out


def _birthdays(session: Session, siblings: Sequence[Sibling]) -> tuple[str, list[Any]]:
    """The driver's placeholder, and the brothers' and sisters' dates of birth as it takes
    them (SQLite keeps dates as ISO text)."""
    mark = placeholder(session)
    born = sorted({s.date_of_birth for s in siblings if s.date_of_birth is not None})
    return mark, [d.isoformat() for d in born] if mark == "?" else list(born)


def sibling_at_house(
    session: Session, pupil: PupilRow, siblings: Sequence[Sibling]
) -> Sibling | None:
    """A brother or sister on the notice who is on the roll at this pupil's house (the
    same postcode, and the same address where both have one)."""
    mark, days = _birthdays(session, siblings)
    if not pupil.postcode_key or not days:
        return None
    rows = fetch(
        session,
        "SELECT id, given_key, family_key, date_of_birth, address FROM pupil "  # noqa: S608
        f"WHERE postcode_key = {mark} AND date_of_birth IN ({marks(len(days), mark)}) "
        f"LIMIT {AT_POSTCODE + 1}",
        (pupil.postcode_key, *days),
    )
    if len(rows) > AT_POSTCODE:
        return None
    for pupil_id, given_key, family_key, dob, address in rows:
        if pupil_id == pupil.id:
            continue
        dob = as_date(dob)
        if address_level(pupil.address, address or "", True) not in ("same", "missing"):
            continue
        for sibling in siblings:
            if _same_child(sibling, given_key, family_key, dob):
                return sibling
    return None


def household_of(child: Any) -> tuple[Sibling, ...]:
    """The other children on the child's notice who would be on the roll at its house:
    those with its surname (a slip allowed) and a date of birth. A brother or sister with
    another surname may well live elsewhere."""
    family = name_key(child.family_name)
    return tuple(
        s
        for s in child.siblings
        if s.date_of_birth is not None
        and family_level(name_key(s.family_name), family)[0] in (EXACT, SPELLING)
    )


def on_some_roll(session: Session, siblings: Sequence[Sibling]) -> set[Sibling]:
    """Those of `siblings` who are on some roll (names and date of birth), wherever."""
    mark, days = _birthdays(session, siblings)
    sounds = sorted({family_block_key(name_key(s.family_name)) for s in siblings} - {""})
    if not days or not sounds:
        return set()
    rows = fetch(
        session,
        "SELECT given_key, family_key, date_of_birth FROM pupil "  # noqa: S608
        f"WHERE date_of_birth IN ({marks(len(days), mark)}) "
        f"AND family_phon IN ({marks(len(sounds), mark)}) LIMIT {AT_POSTCODE}",
        (*days, *sounds),
    )
    return {
        s
        for given_key, family_key, dob in rows
        for s in siblings
        if _same_child(s, given_key, family_key, as_date(dob))
    }


def absent_bits(weights: Weights, elsewhere: int, on_no_roll: Sequence[str | None]) -> float:
    """What it is worth that none of the notice's brothers and sisters is at the
    candidate's house (a negative number): `elsewhere` of them are on some roll, at
    another house (were the candidate the child, each would be at its house as often as
    learned, `together_share`); those on none are given by their age bands (each counts
    as far as being on no roll is learned to be likelier for the brothers and sisters,
    of that age, of children on no roll than of children on a roll: a family new to the
    area is on no roll together, a baby often is anyway)."""
    together = min(max(weights.together_share, 0.0), 0.95)
    bits = elsewhere * math.log2(1 - together)
    for band in on_no_roll:
        matched, unmatched = weights.off_roll(band)
        bits += min(math.log2(max(matched, 0.01) / max(unmatched, 0.01)), 0.0)
    return max(-MOST_BITS, bits)


def without_siblings(scored: Scored, bits: float, missing: int) -> Scored:
    """The candidate with the absence of the notice's brothers and sisters counted."""
    some = (
        "the brother or sister" if missing == 1 else f"none of the {missing} brothers and sisters"
    )
    note = f"{some} on the notice {'is not' if missing == 1 else 'is'} on the roll there"
    return scored.plus(Evidence("Brother or sister", "not at the house", bits, note))


def family_bits(on_roll_share: float, pupils: int) -> float:
    """What a brother or sister from the notice at the candidate's house is worth."""
    share = bounded(on_roll_share)
    return min(MOST_BITS, max(0.0, math.log2(share * max(pupils, 1) / HOUSEHOLD)))


def with_sibling(scored: Scored, bits: float) -> Scored:
    """The candidate with the brother or sister counted."""
    note = "a brother or sister on the same notice lives there"
    return scored.plus(Evidence("Brother or sister", "at the house", bits, note))
