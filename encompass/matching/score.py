"""How strongly a pupil on a roll agrees with a child on a notice, field by field.

Each field gives an agreement level and a weight: roughly log2 of how much likelier that
level is when the pupil *is* the child than when it is some other pupil (Fellegi-Sunter).
Weights add up to the candidate's total; every weight comes with a sentence saying why,
which the review queue shows the coordinator.

- given name: exact 4 to 13 by how common the name is (first name exact: one less),
  nickname 4.6, spelling or typing slip 3.7, known by a middle name 3.0, similar -1.5,
  different -6.6;
- surname: exact 4 to 13 by how common, one part of a double-barrelled name 4.0,
  Mc/Mac or a slip 3.7, similar -1.5, different -5.0; names in swapped order -1.0;
- date of birth: exact 12.4, day and month swapped 6.5, a day out 4.5, two digits
  transposed 3.5, one digit wrong 2.5, different -5.0;
- postcode: same 12.0, same sector 3.0, same district 1.0, different -4.0, not given 0;
- address (when both are given): same house 2.0 (8.0 when there is no postcode to
  compare, 5.0 when the postcodes only share a sector or district), another house in the
  street -1.0, different -2.0;
- the officer's setting: the pupil's +5.0, another -2.0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.fuzz import token_set_ratio

from encompass.matching import dates
from encompass.matching.candidates import PupilRow
from encompass.matching.frequencies import NameStats
from encompass.matching.nicknames import related
from encompass.matching.normalise import (
    address_words,
    compact,
    first_name,
    phonetic,
    postcode_district,
    postcode_sector,
)

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
GIVEN_WEIGHTS = {NICKNAME: 4.6, MIDDLE: 3.0, SPELLING: 3.7, SIMILAR: -1.5, DIFFERENT: -6.6}
FAMILY_WEIGHTS = {SPELLING: 3.7, PARTIAL: 4.0, SIMILAR: -1.5, DIFFERENT: -5.0}
SWAPPED_ORDER = -1.0
DOB_WEIGHTS = {
    dates.EXACT: 12.4,
    dates.SWAPPED: 6.5,
    dates.ONE_DAY: 4.5,
    dates.TRANSPOSED: 3.5,
    dates.ONE_DIGIT: 2.5,
    dates.DIFFERENT: -5.0,
}
DOB_NOTES = {
    dates.EXACT: "agrees",
    dates.SWAPPED: "day and month swapped",
    dates.ONE_DAY: "one day out",
    dates.TRANSPOSED: "two digits transposed",
    dates.ONE_DIGIT: "one digit different",
    dates.DIFFERENT: "different",
}
POSTCODE_WEIGHTS = {"same": 12.0, "sector": 3.0, "district": 1.0, "different": -4.0, "missing": 0.0}
POSTCODE_NOTES = {
    "same": "agrees",
    "sector": "same sector (neighbouring streets)",
    "district": "same district",
    "different": "different",
    "missing": "not given",
}
ADDRESS_WEIGHTS = {"same": 2.0, "street": -1.0, "different": -2.0}
ADDRESS_NOTES = {
    "same": "same house",
    "street": "another house in the same street",
    "different": "different",
}
# The same house says much more when the postcode does not already say it.
ADDRESS_SAME_WITHOUT_POSTCODE = {"missing": 8.0, "sector": 5.0, "district": 5.0}
OFFICER_AGREES, OFFICER_DIFFERS = 5.0, -2.0
# Levels a name may have in an automatic match.
GIVEN_OK = {EXACT, FIRST_EXACT, NICKNAME, MIDDLE, SPELLING}
FAMILY_OK = {EXACT, SPELLING, PARTIAL}


@dataclass(frozen=True)
class Probe:
    """The child as the matcher compares it: keys already folded."""

    given_key: str
    family_key: str
    date_of_birth: date | None
    postcode_key: str
    address: str = ""
    officer_setting_id: int | None = None


class Evidence(NamedTuple):
    field: str
    level: str
    weight: float
    note: str

    def __str__(self) -> str:
        return f"{self.field}: {self.note} ({self.weight:+.1f})"


@dataclass(slots=True)
class Scored:
    pupil: PupilRow
    total: float
    evidence: tuple[Evidence, ...]
    # Names, date of birth and postcode are consistent with this being the child.
    identity_ok: bool
    # At most one of given name, surname and date of birth differs outright: worth a
    # person's look. A brother or sister at the same address is not.
    plausible: bool = True

    @property
    def reasons(self) -> list[str]:
        return [str(e) for e in self.evidence]


def exact_weight(share: float) -> float:
    return min(13.0, max(4.0, math.log2(0.9 / share)))


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
def _given(child: str, pupil: str, exact: float) -> tuple[str, float, str]:
    """Compare given names; `exact` is the weight of an exact agreement on this child's
    first name. Cached: the same pairs of names come up again and again."""
    if child == pupil or compact(child) == compact(pupil):
        return EXACT, exact, "agrees"
    cf, pf = first_name(child), first_name(pupil)
    if cf == pf:
        return FIRST_EXACT, exact - 1.0, "first names agree, other given names differ"
    if related(cf, pf):
        return NICKNAME, GIVEN_WEIGHTS[NICKNAME], f"{cf.title()} is a form of {pf.title()}"
    if cf in pupil.split()[1:] or pf in child.split()[1:]:
        return MIDDLE, GIVEN_WEIGHTS[MIDDLE], "known by a middle name"
    if slip(cf, pf) or slip(compact(child), compact(pupil)):
        return SPELLING, GIVEN_WEIGHTS[SPELLING], "a spelling or typing slip"
    similarity = JaroWinkler.similarity(child, pupil)
    if similarity >= 0.85:
        return SIMILAR, GIVEN_WEIGHTS[SIMILAR], f"similar ({similarity:.2f}) but not the same"
    return DIFFERENT, GIVEN_WEIGHTS[DIFFERENT], "different"


def _mac(name: str) -> str:
    return "mac" + name[2:] if name.startswith("mc") else name


@lru_cache(maxsize=65536)
def _family(child: str, pupil: str, exact: float) -> tuple[str, float, str]:
    c, p = compact(child), compact(pupil)
    if child == pupil or c == p:
        return EXACT, exact, "agrees"
    if _mac(c) == _mac(p):
        return SPELLING, FAMILY_WEIGHTS[SPELLING], "Mc and Mac"
    cw, pw = set(child.split()), set(pupil.split())
    if cw and pw and (cw < pw or pw < cw):
        return PARTIAL, FAMILY_WEIGHTS[PARTIAL], "one part of a double-barrelled surname"
    if slip(c, p):
        return SPELLING, FAMILY_WEIGHTS[SPELLING], "a spelling or typing slip"
    similarity = JaroWinkler.similarity(c, p)
    if similarity >= 0.85:
        return SIMILAR, FAMILY_WEIGHTS[SIMILAR], f"similar ({similarity:.2f}) but not the same"
    return DIFFERENT, FAMILY_WEIGHTS[DIFFERENT], "different"


def _postcode(child: str, pupil: str) -> str:
    if not child or not pupil:
        return "missing"
    if child == pupil:
        return "same"
    if postcode_sector(child) == postcode_sector(pupil):
        return "sector"
    if postcode_district(child) == postcode_district(pupil):
        return "district"
    return "different"


def _address(child: str, pupil: str) -> str | None:
    if not child.strip() or not pupil.strip():
        return None
    child_numbers, child_words = address_words(child)
    pupil_numbers, pupil_words = address_words(pupil)
    street = token_set_ratio(" ".join(sorted(child_words)), " ".join(sorted(pupil_words)))
    if street >= 80:
        if child_numbers == pupil_numbers or (child_numbers & pupil_numbers and street >= 90):
            return "same"
        return "street" if child_numbers and pupil_numbers else None
    return "different" if street < 50 else None


@dataclass(frozen=True)
class ExactWeights:
    """What an exact agreement on each of the child's names is worth, both ways round."""

    given: float
    family: float
    given_swapped: float
    family_swapped: float

    @classmethod
    def of(cls, probe: Probe, stats: NameStats) -> ExactWeights:
        return cls(
            given=exact_weight(stats.share("given", first_name(probe.given_key))),
            family=exact_weight(stats.share("family", probe.family_key)),
            given_swapped=exact_weight(stats.share("given", first_name(probe.family_key))),
            family_swapped=exact_weight(stats.share("family", probe.given_key)),
        )


def score(probe: Probe, pupil: PupilRow, exact: ExactWeights) -> Scored:
    normal = (
        _given(probe.given_key, pupil.given_key, exact.given),
        _family(probe.family_key, pupil.family_key, exact.family),
    )
    swapped = (
        _given(probe.family_key, pupil.given_key, exact.given_swapped),
        _family(probe.given_key, pupil.family_key, exact.family_swapped),
    )
    order_swapped = (
        swapped[0][1] + swapped[1][1] + SWAPPED_ORDER > normal[0][1] + normal[1][1]
        and probe.given_key != probe.family_key
    )
    (g_level, g_weight, g_note), (f_level, f_weight, f_note) = swapped if order_swapped else normal
    evidence = [Evidence("Given name", g_level, g_weight, g_note)]
    evidence.append(Evidence("Surname", f_level, f_weight, f_note))
    if order_swapped:
        evidence.append(
            Evidence("Name order", "swapped", SWAPPED_ORDER, "given name and surname swapped")
        )

    dob_level = dates.DIFFERENT
    if probe.date_of_birth is not None:
        dob_level = dates.dob_level(probe.date_of_birth, pupil.date_of_birth)
        evidence.append(
            Evidence("Date of birth", dob_level, DOB_WEIGHTS[dob_level], DOB_NOTES[dob_level])
        )

    pc_level = _postcode(probe.postcode_key, pupil.postcode_key)
    pc_note = POSTCODE_NOTES[pc_level]
    if pc_level == "missing" and probe.postcode_key:
        pc_note = "not on the roll"
    evidence.append(Evidence("Postcode", pc_level, POSTCODE_WEIGHTS[pc_level], pc_note))

    if pc_level != "different":
        address = _address(probe.address, pupil.address)
        if address is not None:
            note = ADDRESS_NOTES[address]
            weight = ADDRESS_WEIGHTS[address]
            if address == "same":
                weight = ADDRESS_SAME_WITHOUT_POSTCODE.get(pc_level, weight)
            evidence.append(Evidence("Address", address, weight, note))

    if probe.officer_setting_id is not None:
        if pupil.setting_id == probe.officer_setting_id:
            evidence.append(
                Evidence("Officer's setting", "agrees", OFFICER_AGREES, "the setting named")
            )
        else:
            evidence.append(
                Evidence("Officer's setting", "differs", OFFICER_DIFFERS, "another setting named")
            )

    deviations = (
        (g_level not in (EXACT, FIRST_EXACT))
        + (f_level != EXACT)
        + (dob_level != dates.EXACT)
        + order_swapped
    )
    identity_ok = (
        g_level in GIVEN_OK
        and f_level in FAMILY_OK
        and dob_level != dates.DIFFERENT
        and pc_level != "different"
        and deviations <= (2 if pc_level == "same" else 1)
    )
    differ = (g_level == DIFFERENT) + (f_level == DIFFERENT) + (dob_level == dates.DIFFERENT)
    total = round(sum(e.weight for e in evidence), 2)
    return Scored(pupil, total, tuple(evidence), identity_ok, plausible=differ <= 1)
