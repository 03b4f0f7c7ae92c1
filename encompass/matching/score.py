"""How strongly a pupil on a roll agrees with a child on a notice, field by field.

`compare` puts each field at a level of agreement (given name: exact, first name exact,
nickname, known by a middle name, spelling or typing slip, initial only, similar,
different; surname: exact, Mc/Mac or a slip, one part of a double-barrelled name,
similar, different; date of birth: exact, day and month swapped, a day out, two digits
transposed, one digit wrong, different; postcode: same, same sector, same district,
different; address: same house, same street, different), or "missing" when one side has
nothing to compare. `score` weighs each level by what the data taught the matcher
(matching/weights.py: log2 of how much likelier that level is when the pupil *is* the
child than when it is another pupil), adds them up, and keeps with every weight a
sentence saying why, which the review queue shows the coordinator.

Fixed by hand, not learned: names in swapped order -1.0; the officer's setting +5.0 when
it is the pupil's, -2.0 when another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.fuzz import ratio

from encompass.matching import dates
from encompass.matching.candidates import PupilRow
from encompass.matching.frequencies import NameStats
from encompass.matching.nicknames import related
from encompass.matching.normalise import (
    address_letters,
    address_sorted,
    address_words,
    compact,
    first_name,
    house_line,
    phonetic,
    postcode_area,
    postcode_district,
    postcode_sector,
)
from encompass.matching.weights import Weights

EXACT, FIRST_EXACT, NICKNAME, MIDDLE, SPELLING, PARTIAL, SIMILAR, DIFFERENT = (
    "exact",
    "first_exact",
    "nickname",
    "middle",
    "spelling",
    "partial",
    "similar",
    "different",
)
INITIAL, MISSING = "initial", "missing"
SWAPPED_ORDER = -1.0
DOB_NOTES = {
    dates.EXACT: "agrees",
    dates.SWAPPED: "day and month swapped",
    dates.ONE_DAY: "one day out",
    dates.TRANSPOSED: "two digits transposed",
    dates.ONE_DIGIT: "one digit different",
    dates.DIFFERENT: "different",
}
POSTCODE_NOTES = {
    "same": "agrees",
    "sector": "same sector (neighbouring streets)",
    "slip": "one character mistyped or two swapped",
    "district": "same district",
    "area": "another district in the same area",
    "different": "different",
}
# Postcode levels of a family that moved (farther than the next streets).
MOVED = ("area", "different")
ADDRESS_NOTES = {
    "same": "same house",
    "street": "another house in the same street",
    "different": "different",
}
OFFICER_AGREES, OFFICER_DIFFERS = 5.0, -2.0
# An age told at the scene, for a child whose date of birth is not known, against a
# pupil's age on the day. A roll spans about thirteen years of age, so a pupil has the
# age told by chance about one time in 13 (u), one year either side two in 13, and
# another age ten in 13. Of the child's own pupil (m), we take the age told right 88%
# of the time, a year out 10% (a birthday near, "she's seven" for nearly eight) and
# further out 2%. Bits: log2(m / u). Fixed, not learned: an age is too rare on notices
# for EM to learn it; the figures are conservative against the learned date weights.
AGE_BITS = {
    dates.SAME_AGE: math.log2(0.88 / (1 / 13)),
    dates.AGE_ONE_OUT: math.log2(0.10 / (2 / 13)),
    dates.AGE_DIFFERENT: math.log2(0.02 / (10 / 13)),
}
AGE_NOTES = {
    dates.SAME_AGE: "the age given agrees",
    dates.AGE_ONE_OUT: "a year from the age given",
    dates.AGE_DIFFERENT: "not the age given",
}
# Levels that count as the name agreeing outright (a namesake).
NAMESAKE_GIVEN = {EXACT, FIRST_EXACT}
# Brothers and sisters are born at least this far apart (nine months); twins within a day.
SIBLING_GAP_DAYS = 270


@dataclass(frozen=True)
class Probe:
    """The child as the matcher compares it: keys already folded."""

    given_key: str
    family_key: str
    date_of_birth: date | None
    postcode_key: str
    address: str = ""
    officer_setting_id: int | None = None
    # With no date of birth: the age the officer was told, and the day it was told.
    age_years: int | None = None
    aged_on: date | None = None


class Evidence(NamedTuple):
    field: str
    level: str
    weight: float
    note: str

    def __str__(self) -> str:
        return f"{self.field}: {self.note} ({likelihood(self.weight)})"


def likelihood(bits: float) -> str:
    """A weight in words a coordinator reads: '+12.3' -> '5,000 times likelier to be this
    pupil'."""
    factor = 2 ** abs(bits)
    if factor < 1.5:
        return "tells little either way"
    if factor >= 100:
        factor = float(f"{factor:.2g}")
    shown = f"{factor:,.0f}" if factor >= 10 else f"{factor:.1f}"
    return f"{shown} times {'likelier' if bits > 0 else 'less likely'} to be this pupil"


@dataclass(frozen=True)
class Comparison:
    """The level of agreement on each field (and the sentence for it)."""

    given: tuple[str, str]
    family: tuple[str, str]
    dob: str
    postcode: str
    address: str
    order_swapped: bool
    # Days between the two dates of birth (None when the child's is not known).
    dob_gap: int | None = None

    @property
    def deviations(self) -> int:
        """Fields that are not an outright agreement (names and date of birth)."""
        return (
            (self.given[0] not in (EXACT, FIRST_EXACT))
            + (self.family[0] != EXACT)
            + (self.dob != dates.EXACT)
            + self.order_swapped
        )

    @property
    def differ(self) -> int:
        """Of given name, surname and date of birth, how many differ outright."""
        return (
            (self.given[0] == DIFFERENT)
            + (self.family[0] == DIFFERENT)
            + (self.dob in (dates.DIFFERENT, MISSING))
        )


@dataclass(slots=True)
class Scored:
    pupil: PupilRow
    total: float
    evidence: tuple[Evidence, ...]
    comparison: Comparison
    # Names, date of birth and postcode are consistent with this being the child.
    identity_ok: bool
    # At most one of given name, surname and date of birth differs outright: worth a
    # person's look. A brother or sister at the same address is not.
    plausible: bool = True
    probability: float = 0.0

    @property
    def reasons(self) -> list[str]:
        return [str(e) for e in self.evidence]

    def plus(self, evidence: Evidence) -> Scored:
        """The same candidate with one more line of evidence counted."""
        return Scored(
            self.pupil,
            round(self.total + evidence.weight, 2),
            (*self.evidence, evidence),
            self.comparison,
            self.identity_ok,
            self.plausible,
        )

    @property
    def namesake(self) -> bool:
        """Same name and date of birth as the child, whatever else differs."""
        c = self.comparison
        return (
            c.given[0] in NAMESAKE_GIVEN
            and c.family[0] == EXACT
            and c.dob == dates.EXACT
            and not c.order_swapped
        )


def slip(a: str, b: str) -> bool:
    """A spelling or typing slip: one edit (two in a long name that sounds the same)."""
    if not a or not b or a == b:
        return False
    shortest = min(len(a), len(b))
    distance = OSA.distance(a, b, score_cutoff=2)
    if distance == 1:
        return shortest >= 3
    return distance == 2 and shortest >= 5 and phonetic(a) == phonetic(b)


@lru_cache(maxsize=65536)
def given_level(child: str, pupil: str) -> tuple[str, str]:
    """Compare given names. Cached: the same pairs of names come up again and again."""
    if not child or not pupil:
        return MISSING, "not given"
    if child == pupil or compact(child) == compact(pupil):
        return EXACT, "agrees"
    cf, pf = first_name(child), first_name(pupil)
    if cf == pf:
        if " " not in child or " " not in pupil:
            # "Isla" for the roll's "Isla Anaya": the other given names are not given on
            # one side (a notice often gives only the name a child goes by; a roll from
            # an MIS gives them all), which is not their differing. (The note is one the
            # review page words in each language: review/words.py.)
            return EXACT, "agrees"
        return FIRST_EXACT, "first names agree, other given names differ"
    if len(cf) == 1 or len(pf) == 1:
        if cf[0] == pf[0]:
            return INITIAL, "only an initial given, and it agrees"
        return DIFFERENT, "different initial"
    if related(cf, pf):
        return NICKNAME, f"{cf.title()} is a form of {pf.title()}"
    if cf in pupil.split()[1:] or pf in child.split()[1:]:
        return MIDDLE, "known by a middle name"
    if slip(cf, pf) or slip(compact(child), compact(pupil)):
        return SPELLING, "a spelling or typing slip"
    if any(slip(cf, m) for m in pupil.split()[1:]) or any(slip(pf, m) for m in child.split()[1:]):
        # Known by a middle name, which was written with a slip ("Isabela" for the roll's
        # "Imogen Isabella"): the same level as the middle name written right, so that
        # its weight is learned over both; the page shows both names side by side.
        return MIDDLE, "known by a middle name"
    similarity = JaroWinkler.similarity(child, pupil)
    if similarity >= 0.85:
        return SIMILAR, f"similar ({similarity:.2f}) but not the same"
    return DIFFERENT, "different"


def _mac(name: str) -> str:
    return "mac" + name[2:] if name.startswith("mc") else name


@lru_cache(maxsize=65536)
def family_level(child: str, pupil: str) -> tuple[str, str]:
    if not child or not pupil:
        return MISSING, "not given"
    c, p = compact(child), compact(pupil)
    if child == pupil or c == p:
        return EXACT, "agrees"
    if _mac(c) == _mac(p):
        return SPELLING, "Mc and Mac"
    cw, pw = set(child.split()), set(pupil.split())
    if cw and pw and (cw < pw or pw < cw):
        return PARTIAL, "one part of a double-barrelled surname"
    if slip(c, p):
        return SPELLING, "a spelling or typing slip"
    similarity = JaroWinkler.similarity(c, p)
    if similarity >= 0.85:
        return SIMILAR, f"similar ({similarity:.2f}) but not the same"
    return DIFFERENT, "different"


def postcode_level(child: str, pupil: str) -> str:
    if not child or not pupil:
        return MISSING
    if child == pupil:
        return "same"
    if postcode_sector(child) == postcode_sector(pupil):
        return "sector"
    if len(child) == len(pupil) and OSA.distance(child, pupil, score_cutoff=1) <= 1:
        return "slip"
    if postcode_district(child) == postcode_district(pupil):
        return "district"
    if postcode_area(child) == postcode_area(pupil):
        return "area"
    return "different"


@lru_cache(maxsize=65536)
def address_level(child: str, pupil: str, same_postcode: bool = False) -> str:
    """Same house, same street, different, or missing. The street agrees when one
    address's words are all in the other (one adds the town or a house name), or when
    the words (in any order), or the letters run together (a space typed in or left out:
    "Quick St reet", "Kamilaroicottage"), are at least 80% alike: Low Street and High
    Street are not. The house is told by its numbers. An address with no number in the
    same street is "street" (the house is not known). Within one postcode (`same_postcode`)
    the house number and street of the first line say the house whatever the rest says
    (another name for the town or the estate); across postcodes they do not (there is a
    12 Church Road in many towns)."""
    if not child.strip() or not pupil.strip():
        return MISSING
    if same_postcode:
        number, letters = house_line(child)
        pupil_number, pupil_letters = house_line(pupil)
        if number and number == pupil_number and ratio(letters, pupil_letters, score_cutoff=90):
            return "same"
    child_numbers, child_words = address_words(child)
    pupil_numbers, pupil_words = address_words(pupil)
    if child_words and pupil_words and (child_words <= pupil_words or pupil_words <= child_words):
        street = 100.0  # one says more (the town, a house name), nothing disagrees
    else:
        street = ratio(address_letters(child), address_letters(pupil), score_cutoff=50)
        if street < 90:
            words = ratio(address_sorted(child), address_sorted(pupil), score_cutoff=50)
            street = max(street, words)
    if street >= 80:
        if child_numbers == pupil_numbers or (child_numbers & pupil_numbers and street >= 90):
            return "same"
        return "street" if child_numbers or pupil_numbers or street >= 90 else MISSING
    # 50 to 80: a slip, or another street with a word in common (Low Street, High Street).
    return "different" if street < 50 else MISSING


def dob_level(child: date | None, pupil: date) -> str:
    return MISSING if child is None else dates.dob_level(child, pupil)


@dataclass(frozen=True)
class NameBits:
    """What an exact agreement on each of the child's names is worth, both ways round."""

    given: float
    family: float
    given_swapped: float
    family_swapped: float

    @classmethod
    def of(cls, probe: Probe, stats: NameStats, weights: Weights) -> NameBits:
        def bits(kind: str, name: str) -> float:
            return weights.exact_name_bits(kind, stats.share(kind, name))

        return cls(
            given=bits("given", first_name(probe.given_key)),
            family=bits("family", probe.family_key),
            given_swapped=bits("given", first_name(probe.family_key)),
            family_swapped=bits("family", probe.given_key),
        )


def _name_bits(weights: Weights, kind: str, level: str, exact: float) -> float:
    if level == EXACT:
        return exact
    if level == FIRST_EXACT:
        # The first name's own weight, less what the other given names disagreeing costs.
        return exact + weights.bits(kind, FIRST_EXACT) - weights.bits(kind, EXACT)
    return weights.bits(kind, level)


def compare(probe: Probe, pupil: PupilRow) -> Comparison:
    """Each field's level of agreement, the names in the order given (_swapped: the other
    way round)."""
    return Comparison(
        given_level(probe.given_key, pupil.given_key),
        family_level(probe.family_key, pupil.family_key),
        dob_level(probe.date_of_birth, pupil.date_of_birth),
        postcode_level(probe.postcode_key, pupil.postcode_key),
        address_level(
            probe.address,
            pupil.address,
            bool(probe.postcode_key) and probe.postcode_key == pupil.postcode_key,
        ),
        False,
        None
        if probe.date_of_birth is None
        else abs((probe.date_of_birth - pupil.date_of_birth).days),
    )


def _swapped(c: Comparison, probe: Probe, pupil: PupilRow) -> Comparison:
    """The same comparison with the child's names taken the other way round."""
    return Comparison(
        given_level(probe.family_key, pupil.given_key),
        family_level(probe.given_key, pupil.family_key),
        c.dob,
        c.postcode,
        c.address,
        True,
        c.dob_gap,
    )


def score(probe: Probe, pupil: PupilRow, names: NameBits, weights: Weights) -> Scored:
    normal = compare(probe, pupil)
    n_given = _name_bits(weights, "given", normal.given[0], names.given)
    n_family = _name_bits(weights, "family", normal.family[0], names.family)
    comparison, g_weight, f_weight = normal, n_given, n_family
    if probe.given_key != probe.family_key and probe.given_key and probe.family_key:
        swapped = _swapped(normal, probe, pupil)
        s_given = _name_bits(weights, "given", swapped.given[0], names.given_swapped)
        s_family = _name_bits(weights, "family", swapped.family[0], names.family_swapped)
        if s_given + s_family + SWAPPED_ORDER > n_given + n_family:
            comparison, g_weight, f_weight = swapped, s_given, s_family
    c = comparison
    evidence = [
        Evidence("Given name", c.given[0], g_weight if c.given[0] != MISSING else 0.0, c.given[1]),
        Evidence("Surname", c.family[0], f_weight if c.family[0] != MISSING else 0.0, c.family[1]),
    ]
    if c.order_swapped:
        evidence.append(
            Evidence("Name order", "swapped", SWAPPED_ORDER, "given name and surname swapped")
        )
    if c.dob != MISSING:
        evidence.append(
            Evidence("Date of birth", c.dob, weights.bits("dob", c.dob), DOB_NOTES[c.dob])
        )
    age = None
    if c.dob == MISSING and probe.age_years is not None and probe.aged_on is not None:
        age = dates.age_level(probe.age_years, pupil.date_of_birth, probe.aged_on)
        evidence.append(Evidence("Age", age, AGE_BITS[age], AGE_NOTES[age]))
    if c.postcode != MISSING:
        evidence.append(
            Evidence(
                "Postcode",
                c.postcode,
                weights.postcode_bits(c.postcode, postcode_area(probe.postcode_key)),
                POSTCODE_NOTES[c.postcode],
            )
        )
    kind = address_kind(c)
    if kind is not None:
        evidence.append(
            Evidence("Address", c.address, weights.bits(kind, c.address), ADDRESS_NOTES[c.address])
        )
    if probe.officer_setting_id is not None:
        if pupil.setting_id == probe.officer_setting_id:
            evidence.append(
                Evidence("Officer's setting", "agrees", OFFICER_AGREES, "the setting named")
            )
        else:
            evidence.append(
                Evidence("Officer's setting", "differs", OFFICER_DIFFERS, "another setting named")
            )
    total = round(sum(e.weight for e in evidence), 2)
    return Scored(
        pupil,
        total,
        tuple(evidence),
        c,
        # Two years or more from the age told is another child, whatever else agrees (a
        # brother or sister at the same house): a person looks.
        identity_ok(c, weights.households) and age != dates.AGE_DIFFERENT,
        plausible=plausible(c, weights.households),
    )


def plausible(c: Comparison, households: bool) -> bool:
    """Worth a person's look: at most one of given name, surname and date of birth differs
    outright, or (on rolls without households) two at the same house."""
    return c.differ <= 1 or (not households and _two_at_the_house(c))


def _two_at_the_house(c: Comparison) -> bool:
    """Two of given name, surname and date of birth differ outright, at the same house
    (postcode and address): without households nobody else lives there with one of them."""
    return c.differ == 2 and c.postcode == c.address == "same"


def address_kind(c: Comparison) -> str | None:
    """Which address weights apply: within one postcode a neighbour shares much of the
    address ("address_pc"); otherwise "address". None when there is nothing to weigh: no
    address, or a different address with a different postcode (a family that moved). The
    move is already counted by the postcode; the address adds nothing, for the child's own
    pupil (whose new address always differs) or for anyone else."""
    if c.address == MISSING or (c.postcode in MOVED and c.address == "different"):
        return None
    return "address_pc" if c.postcode == "same" else "address"


def another_pupils_name(scored: Scored, weights: Weights) -> Scored:
    """The child's given name is exactly another candidate's: a slip that happens to give
    a real, different pupil's name is far rarer than slips in general (Alexandra on the
    notice, twins Alexandra and Alexander on the roll), so this pupil's given name counts
    as different."""
    c = scored.comparison
    first = scored.evidence[0]
    weight = weights.bits("given", DIFFERENT)
    evidence = (
        Evidence(first.field, DIFFERENT, weight, "another pupil has exactly the name given"),
        *scored.evidence[1:],
    )
    comparison = Comparison(
        (DIFFERENT, evidence[0].note),
        c.family,
        c.dob,
        c.postcode,
        c.address,
        c.order_swapped,
        c.dob_gap,
    )
    return Scored(
        scored.pupil,
        round(scored.total - first.weight + weight, 2),
        evidence,
        comparison,
        identity_ok(comparison, weights.households),
        plausible=plausible(comparison, weights.households),
    )


def identity_ok(c: Comparison, households: bool = True) -> bool:
    """May this pupil be matched automatically, however strong the evidence? The weights
    treat the fields as independent; in a household they are not (brothers, sisters and
    twins share a surname, a postcode, an address and, twins, a date of birth). The
    chance that the child is a twin, brother or sister of the pupil who is on no roll is
    weighed in the probability (matching/resolve.py, household_bits, with the shares of
    pupils with twins and siblings learned from the rolls). Where the rolls hold
    households (`households`: brothers and sisters on them, as every council's do), on
    top of that, never:
    - a given name that differs outright, with the surname and the house (postcode or
      address) agreeing, and dates of birth a day or less apart (a twin born either side
      of midnight) or SIBLING_GAP_DAYS or more apart (a brother or sister);
    - a given name that differs outright with a date of birth that is not exact, unless
      the surname and house agree (then the dates, a few days to months apart, are one
      child's, mistyped: no brother or sister is born that close);
    - a date of birth that differs outright, unless the house agrees with at most one
      slip in the names, or the child's own given name (exact) and surname (exact or
      one slip) are at the pupil's postcode and the dates are less than SIBLING_GAP_DAYS
      apart (a brother or sister has another given name; a namesake years apart may
      live in the same street);
    - an initial or a missing given name unless the postcode or the house agrees, the date
      of birth is exact and the surname exact or one slip; a missing date of birth unless
      the postcode or the house agrees and the names are exact (or the given name exact
      and the surname one slip), or the house agrees with at most one slip.
    Without households: never more than one of given name, surname and date of birth
    different outright, unless the postcode and house agree (then two). Always, never:
    - a family that moved (postcode and address differ or are missing) with more than one
      slip among names and date of birth; two where the house, the street or the
      postcode's sector or district still agrees, or the postcode is one slip away.
      Otherwise the probability decides."""
    if households:
        if not _household_safe(c):
            return False
    elif c.differ > 1 and not _two_at_the_house(c):
        return False
    if c.postcode == "same" or (not households and c.address == "same"):
        return True
    if c.address in ("same", "street") or c.postcode in ("sector", "slip", "district"):
        return c.deviations <= 2
    return c.deviations <= 1


def _household_safe(c: Comparison) -> bool:
    """The household rules of identity_ok."""
    given, family = c.given[0], c.family[0]
    own_name = given in NAMESAKE_GIVEN and not c.order_swapped
    household = family in (EXACT, SPELLING) and "same" in (c.postcode, c.address)
    if given == DIFFERENT and c.dob != dates.EXACT:
        gap = c.dob_gap
        if not household or gap is None or gap <= 1 or gap >= SIBLING_GAP_DAYS:
            return False
    # Slips in the names alone (the date of birth is judged apart).
    name_slips = c.deviations - (c.dob != dates.EXACT)
    if c.dob == dates.DIFFERENT:
        if c.address == "same" and name_slips <= 1:
            return True
        near = c.dob_gap is not None and c.dob_gap < SIBLING_GAP_DAYS
        return own_name and family in (EXACT, SPELLING) and c.postcode == "same" and near
    if c.dob == MISSING:
        if "same" not in (c.postcode, c.address):
            return False
        own = own_name and family in (EXACT, SPELLING)
        return own or (c.address == "same" and name_slips <= 1)
    if given in (INITIAL, MISSING):
        return "same" in (c.postcode, c.address) and household and c.dob == dates.EXACT
    return True
