"""Resolve a child on a notice to a setting: matched, review, unmatched or no_setting.

Each candidate's evidence (matching/score.py, weights learned from the data) turns into
the probability that it is the child (Fellegi-Sunter with one-to-one matching): a pupil's
prior odds are the learned share of notice children who are on some roll over the number
of pupils on the rolls (until that share has been learned from LEARNED_FROM notices, at
least 2**17 pupils, so a pilot council's small roll is not taken for every child there
is), multiplied by 2 to the power of its evidence, and set against every other candidate
and against the child being on no roll. A brother or sister named on the same notice
and found at a candidate's house adds to its evidence (matching/family.py).

A wrong match sends a child's notice to the wrong school, a data breach, so `matched`
needs all of:
- the probability of the best candidate's setting is at least 0.995 (the setting's
  pupils added up: twins whose names do not tell them apart, a duplicated roll row);
- that candidate's names and date of birth are consistent with it being the child (at
  most one slip, two when the postcode agrees; a different postcode is evidence against,
  not a veto: a family that moved is matched when its names and date of birth nearly
  agree and are rare enough);
- no pupil at another setting has the same name and date of birth (a namesake born the
  same day: only an address tells them apart, and these families move: a person looks).

A family that moved (a different postcode) has only names and date of birth to say who
the child is, and a child on no roll may share them. The probability weighs that: the
postcode's levels are learned (a move within the postcode area is common where the rolls
span many areas, and says little where every pupil lives in one), and the other children
on the notice count (matching/family.py): a brother or sister at the candidate's house
for it, none of them there against it, as often as they are learned to be there. A
match across a move needs the same 0.995 as any other (bench/matching_eval.py at a
million pupils, and the moved-family model on three seeds: no child on no roll matched;
before the brothers and sisters counted against, 0.995 matched one). A child is never
one of the other children on its own notice (a twin whose given name was not taken
down is not the twin named beside it).

Anything short of that with a probability of at least 0.05, and at most one of given
name, surname and date of birth different outright (a brother or sister at the same
address is not), is `review`: a person decides. Nothing like that is `unmatched`; for an
unborn child, or one under school age with no roll entry, it is `no_setting` (the
council's fallback team). A child found on a council's home education register (a roll
of a setting of kind `home_education`) is `no_setting` with that team.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import partial

from sqlmodel import Session

from encompass.matching.candidates import BlockingKeys, PupilRow, find_candidates
from encompass.matching.dates import born_about, under_school_age
from encompass.matching.family import (
    Sibling,
    absent_bits,
    another_child,
    family_bits,
    household_of,
    is_another_child,
    may_count,
    on_some_roll,
    sibling_at_house,
    with_sibling,
    without_siblings,
)
from encompass.matching.frequencies import NameStats, name_stats
from encompass.matching.normalise import first_name, name_key, postcode_key
from encompass.matching.score import (
    DIFFERENT,
    EXACT,
    FIRST_EXACT,
    INITIAL,
    MISSING,
    MOVED,
    PARTIAL,
    SIMILAR,
    SPELLING,
    Comparison,
    Evidence,
    NameBits,
    Probe,
    Scored,
    address_level,
    another_pupils_name,
    family_level,
    given_level,
    score,
)
from encompass.matching.sql import fetch, placeholder
from encompass.matching.weights import Weights, bounded, load_weights

SMALLEST_ROLL = 2**17
LEARNED_FROM = 200
MATCH_PROBABILITY = 0.995
REVIEW_PROBABILITY = 0.05
SHOWN = 5


@dataclass(frozen=True)
class ChildFacts:
    given_name: str
    family_name: str
    date_of_birth: date | None
    postcode: str | None = None
    setting_urn: str | None = None
    unborn: bool = False
    address: str = ""
    # The other children on the same notice (matching/family.py).
    siblings: tuple[Sibling, ...] = ()
    # The age in years the officer was told, when the date of birth is not known.
    age_years: int | None = None

    def born(self, today: date | None) -> date | None:
        """The date of birth, or for a child known only by an age, one that age allows
        (for the age band, never compared with a pupil's date)."""
        if self.date_of_birth is not None or self.age_years is None or today is None:
            return self.date_of_birth
        return born_about(self.age_years, today)


@dataclass(frozen=True)
class Candidate:
    """A pupil the matcher considered: the probability that it is the child, its evidence
    in bits, and why."""

    pupil_id: int
    setting_id: int
    score: float
    weight: float
    reasons: tuple[str, ...]


class Verdict(StrEnum):
    """What the matcher concluded about a child. Intake turns it into the child's outcome
    (encompass/lifecycles/child.py): `unmatched` is for a person to look at, as `review`."""

    MATCHED = "matched"  # one setting, certain enough
    REVIEW = "review"  # candidates too close or too doubtful to choose between
    UNMATCHED = "unmatched"  # on no roll
    NO_SETTING = "no_setting"  # for a fallback team (unborn, under school age, home education)


@dataclass(frozen=True)
class Resolution:
    outcome: Verdict
    setting_id: int | None
    pupil_id: int | None
    reason: str
    score: float = 0.0  # the probability of the setting (matched) or best candidate
    candidates: tuple[Candidate, ...] = ()
    # Dual registration: the other settings whose rolls hold the child's own row (every
    # detail the same), told too (matched only).
    also_settings: tuple[int, ...] = ()


def age_band(dob: date | None, today: date | None) -> str | None:
    """ "early" (under school age: may be at no setting at all) or "school"; None when
    either date is not known."""
    if dob is None or today is None:
        return None
    return "early" if under_school_age(dob, today) else "school"


def prior_bits(weights: Weights, pupils_on_rolls: int, band: str | None = None) -> float:
    """log2 of the prior odds that the child is one given pupil rather than on no roll:
    the share of notice children of the child's age band on some roll (learned) over the
    pupils. Until that share has been learned from LEARNED_FROM notices or more, the
    rolls count as at least SMALLEST_ROLL pupils."""
    share = bounded(weights.on_roll(band))
    return math.log2(share / (1 - share)) - math.log2(counted_pupils(weights, pupils_on_rolls))


def counted_pupils(weights: Weights, pupils_on_rolls: int) -> int:
    """The pupils the rolls count as: until the on-roll share has been learned from
    LEARNED_FROM notices, at least SMALLEST_ROLL (a pilot's small roll is not every child
    there is). The prior and the chance of a brother or sister at a house by coincidence
    (matching/family.py) both use it."""
    floor = SMALLEST_ROLL if weights.notices < LEARNED_FROM else 1
    return max(pupils_on_rolls, floor)


def posterior(totals: Sequence[float], prior: float, others: Sequence[float] = ()) -> list[float]:
    """Each candidate's probability of being the child (from its evidence in bits),
    against the others, against `others` (the child being someone else close to a
    candidate, in bits: a twin) and against the child being on none of these rolls."""
    top = max([*totals, *others]) + prior
    # Odds scaled by 2**-top so that nothing overflows.
    odds = [2.0 ** (t + prior - top) for t in totals]
    none = 2.0**-top if top < 1000 else 0.0
    none += sum(2.0 ** (t + prior - top) for t in others)
    whole = none + sum(odds)
    return [o / whole for o in odds]


def household_bits(
    c: Comparison, total: float, given_bits: float, dob_bits: float, weights: Weights
) -> list[float]:
    """The evidence (in bits, against the same prior as a match) that the child is not
    this pupil but a twin or a brother or sister of it who is on no roll: the surname,
    postcode and address agree as for the pupil, the given name (and, for a brother or
    sister, the date of birth) as for anyone. The priors are the shares of pupils with a
    twin, or a brother or sister, on the rolls (learned from them), times the odds of a
    notice child being on no roll. Brothers and sisters count only where the rolls hold
    households: on rolls with next to none, a pupil with the child's surname at the house
    is what chance gives, and the weights (u) count chance already."""
    if c.family[0] == DIFFERENT or c.given[0] in (EXACT, FIRST_EXACT):
        return []
    if c.given[0] == MISSING and c.dob == "exact":
        # No given name, the same birthday: a twin of the pupil would be on the roll too.
        return []
    share = bounded(weights.on_roll_share)
    off_roll = (1 - share) / share
    out = []
    if c.dob == "exact":
        out.append(total - given_bits + math.log2(max(weights.twin_share, 1e-6) * off_roll))
    elif c.dob != MISSING and "same" in (c.postcode, c.address) and weights.households:
        siblings = max(weights.sibling_share, 1e-6) * off_roll
        out.append(total - given_bits - dob_bits + math.log2(siblings))
    return out


def _officer_setting(session: Session, urn: str | None) -> int | None:
    if not urn:
        return None
    statement = f"SELECT id FROM setting WHERE urn = {placeholder(session)}"  # noqa: S608
    rows = fetch(session, statement, (urn.strip().upper(),))
    return int(rows[0][0]) if rows else None


def _setting_facts(session: Session, setting_id: int) -> tuple[str, str, datetime | None]:
    """(kind, GIAS type name, when its roll was last imported), cached for the session's
    life (a request, one `roll match`)."""
    facts: dict[int, tuple[str, str, datetime | None]] = session.info.setdefault(
        "encompass_setting_facts", {}
    )
    if setting_id not in facts:
        statement = (
            "SELECT kind, type_name, roll_imported_at FROM setting "  # noqa: S608
            f"WHERE id = {placeholder(session)}"
        )
        rows = fetch(session, statement, (setting_id,))
        facts[setting_id] = (
            (str(rows[0][0]), str(rows[0][1] or ""), _instant(rows[0][2]))
            if rows
            else ("", "", None)
        )
    return facts[setting_id]


def _instant(value: object) -> datetime | None:
    """A timestamp as the driver gives it (SQLite: text), naive UTC for comparing."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (
        moment.replace(tzinfo=None)
        if moment.tzinfo is None
        else moment.astimezone(UTC).replace(tzinfo=None)
    )


def _setting_row(session: Session, setting_id: int) -> tuple[str, str]:
    """(kind, GIAS type name)."""
    kind, type_name, _ = _setting_facts(session, setting_id)
    return kind, type_name


def _setting_kind(session: Session, setting_id: int) -> str:
    return _setting_row(session, setting_id)[0]


# Settings a child attends alongside (or instead of, for a while) its school: a pupil
# referral unit, alternative provision, a special school's outreach, a hospital school.
ALONGSIDE = ("pupil referral", "alternative provision", "special", "hospital")
ALONGSIDE_KINDS = ("alternative_provision", "special")
# The kinds of setting that can be told of a child registered at two; never a council's
# fallback or home education team.
DUAL_KINDS = ("school", "early_years", "special", "alternative_provision", "college")


def setting_category(kind: str, type_name: str) -> str:
    """ "early_years", "alongside" (a pupil referral unit, alternative provision, a
    special or hospital school) or "mainstream"."""
    if kind == "early_years":
        return "early_years"
    text = type_name.lower()
    if kind in ALONGSIDE_KINDS or any(word in text for word in ALONGSIDE):
        return "alongside"
    return "mainstream"


# Two mainstream schools' rolls imported this close together are both current: a child on
# both is registered at both. Further apart, the older one is most likely a roll not yet
# updated after the child moved school.
ROLLS_CURRENT_TOGETHER = timedelta(days=31)


def dual_registration(session: Session, setting_id: int, others: Sequence[int]) -> bool:
    """Whether the child's own row on the rolls of `setting_id` and of `others` is one
    child registered at each, with nothing to choose between them, so each is told:
    a school and a pupil referral unit, alternative provision, a special or hospital
    school, or a nursery; or two mainstream schools whose rolls were both imported within
    ROLLS_CURRENT_TOGETHER of each other. When one mainstream roll is older (or its date
    not known), it may simply not be updated after a move: a person decides, unless the
    officer named one. A council team's register (fallback, home education) is never
    part of it."""
    ids = [setting_id, *others]
    facts = [_setting_facts(session, i) for i in ids]
    if not others or any(kind not in DUAL_KINDS for kind, _, _ in facts):
        return False
    mainstream = [
        imported
        for kind, type_name, imported in facts
        if setting_category(kind, type_name) == "mainstream"
    ]
    if len(mainstream) <= 1:
        return True
    if any(imported is None for imported in mainstream):
        return False
    dates = [imported for imported in mainstream if imported is not None]
    return max(dates) - min(dates) <= ROLLS_CURRENT_TOGETHER


def _nobody_near(child: ChildFacts, today: date | None, shown: tuple[Candidate, ...]) -> Resolution:
    born = child.born(today)
    if today is not None and born is not None and under_school_age(born, today):
        return Resolution(
            Verdict.NO_SETTING, None, None, "under school age and on no roll: the fallback team"
        )
    return Resolution(Verdict.UNMATCHED, None, None, "not found on any roll", 0.0, shown)


def _matched(
    session: Session,
    best: Scored,
    pupil_id: int | None,
    reason: str,
    probability: float,
    shown: tuple[Candidate, ...],
    also: tuple[int, ...] = (),
) -> Resolution:
    outcome = Verdict.MATCHED
    if _setting_kind(session, best.pupil.setting_id) == "home_education":
        outcome, reason = Verdict.NO_SETTING, "on the council's home education register"
        also = ()
    if also:
        n = len(also)
        reason += f"; also on the roll of {n} other setting{'s' if n > 1 else ''}, told too"
    return Resolution(
        outcome, best.pupil.setting_id, pupil_id, reason, round(probability, 3), shown, also
    )


def _why_review(best: Scored) -> str:
    if not best.identity_ok:
        if best.comparison.postcode in MOVED:
            return (
                "closest pupil found has a different postcode and differs in name or date of birth"
            )
        return "closest pupil found differs in name or date of birth"
    if best.comparison.postcode in MOVED:
        return "closest pupil found has a different postcode, and the name is not rare enough"
    return "closest pupil found is not certain enough for an automatic match"


def _twin_rows(a: Scored, b: Scored) -> bool:
    """The same child on two rolls: every detail the same."""
    x, y = a.pupil, b.pupil
    return (x.given_key, x.family_key, x.date_of_birth, x.postcode_key, x.address) == (
        y.given_key,
        y.family_key,
        y.date_of_birth,
        y.postcode_key,
        y.address,
    )


def _candidates(ranked: list[Scored]) -> tuple[Candidate, ...]:
    # The likely ones, and any namesake born the same day (a person must see both).
    near = [
        s
        for s in ranked
        if s.namesake or (s.plausible and s.probability >= REVIEW_PROBABILITY / 10)
    ]
    return tuple(
        Candidate(
            s.pupil.id, s.pupil.setting_id, round(s.probability, 3), s.total, tuple(s.reasons)
        )
        for s in near[:SHOWN]
    )


def _dob(scored: Scored) -> float:
    return next((e.weight for e in scored.evidence if e.field == "Date of birth"), 0.0)


def _full_name(s: Scored) -> bool:
    c = s.comparison
    return c.given[0] in (EXACT, FIRST_EXACT) and c.family[0] == EXACT and not c.order_swapped


def name_census(scored: list[Scored], weights: Weights, pupils: int) -> list[Scored]:
    """The child's given name and surname together, weighed by how many pupils on the
    rolls actually bear both. The two names are weighed one by one as if independent
    (their shares multiplied); when every pupil with both names has been read (`scored`
    holds them all), the rolls say how common the pair really is: the chance that another
    child bears it is (other holders + 1/2) / pupils. Where that is rarer than the product,
    the difference counts, as its own line of evidence."""
    holders = sum(1 for s in scored if _full_name(s))
    if not holders:
        return scored
    share = (holders - 1 + 0.5) / max(pupils, 1)
    out = []
    for s in scored:
        if not _full_name(s):
            out.append(s)
            continue
        level = s.comparison.given[0]
        m = weights.m.get(("given", level), 0.85) * weights.m.get(("family", EXACT), 0.9)
        gain = math.log2(m / share) - s.evidence[0].weight - s.evidence[1].weight
        if gain <= 0:
            out.append(s)
            continue
        others = holders - 1
        note = (
            "no other pupil on the rolls has both names"
            if not others
            else f"{others} other pupil{'s' if others > 1 else ''} on the rolls have both names"
        )
        out.append(s.plus(Evidence("Full name", "rare", round(gain, 2), note)))
    return out


def _rank(
    probe: Probe,
    rows: list[PupilRow],
    stats: NameStats,
    weights: Weights,
    census: bool = False,
    band: str | None = None,
    others: Sequence[Sibling] = (),
    scores: dict[int, Scored] | None = None,
) -> list[Scored]:
    """The candidates scored, best first, each with its probability of being the child.
    `census`: the rows hold every pupil whose names both sound like the child's; `band`:
    the child's age band (age_band); `others`: the other children on the notice (none of
    them is this child); `scores`: each pupil's score, kept between the first look and
    the second (a row is scored once)."""
    if not rows:
        return []
    names = NameBits.of(probe, stats, weights)
    known = {} if scores is None else scores
    scored = []
    for row in rows:
        s = known.get(row.id)
        if s is None:
            s = known[row.id] = score(probe, row, names, weights)
        scored.append(s)
    if others:
        scored = [another_child(s) if is_another_child(s, others) else s for s in scored]
    if census:
        scored = name_census(scored, weights, stats.total)
    exact = {s.pupil.given_key for s in scored if s.comparison.given[0] in (EXACT, FIRST_EXACT)}
    if exact:
        scored = [
            another_pupils_name(s, weights)
            if s.comparison.given[0] in (SPELLING, SIMILAR) and s.pupil.given_key not in exact
            else s
            for s in scored
        ]
    return _weigh(scored, weights, stats.total, band)


def _weigh(
    scored: list[Scored], weights: Weights, pupils: int, band: str | None = None
) -> list[Scored]:
    """Best first, each with its probability of being the child."""
    ranked = sorted(scored, key=lambda s: -s.total)
    others = [
        bits
        for s in ranked
        for bits in household_bits(s.comparison, s.total, s.evidence[0].weight, _dob(s), weights)
    ]
    chances = posterior([s.total for s in ranked], prior_bits(weights, pupils, band), others)
    for s, p in zip(ranked, chances, strict=True):
        s.probability = p
    return ranked


def _with_family(
    session: Session,
    ranked: list[Scored],
    child: ChildFacts,
    weights: Weights,
    pupils: int,
    band: str | None,
    today: date | None = None,
) -> list[Scored]:
    """A brother or sister from the notice found at a candidate's house counts for it;
    where the rolls hold households, that none of them is there counts against it."""
    bits = family_bits(weights.on_roll(band), counted_pupils(weights, pupils))
    siblings = child.siblings
    house = household_of(child) if weights.households else ()
    absent: float | None = None  # one query, for the first candidate that needs it
    changed = False
    out = []
    for n, s in enumerate(ranked):
        if n < SHOWN and may_count(s, siblings):
            if sibling_at_house(session, s.pupil, siblings):
                s, changed = with_sibling(s, bits), True
            elif house and s.pupil.postcode_key:
                if absent is None:
                    absent = _absent_bits(session, house, weights, today)
                if absent < 0:
                    s, changed = without_siblings(s, absent, len(house)), True
        out.append(s)
    return _weigh(out, weights, pupils, band) if changed else ranked


def _absent_bits(
    session: Session, house: Sequence[Sibling], weights: Weights, today: date | None
) -> float:
    """What it is worth that none of `house` is at a candidate's house (family.absent_bits),
    by where each is: on some roll, or on none (by age band)."""
    elsewhere = on_some_roll(session, house)
    off = [age_band(s.date_of_birth, today) for s in house if s not in elsewhere]
    return absent_bits(weights, len(elsewhere), off)


def _worth_scoring(probe: Probe, block: str, pupil: PupilRow) -> bool:
    """A pupil found by the date and the first sounds of a name is scored only if that
    name is at most a slip away (a name merely similar is common among names that start
    alike) or the address is the same house; one found by the house key only if the
    address is the same house (the same number in another town's High Street is not);
    one found by the postcode alone only if the house is the same or a name is at most a
    slip away."""
    if block in ("d0", "p") and _family_slip(probe, pupil):
        return True
    if block in ("d1", "p") and _given_slip(probe, pupil):
        return True
    same_postcode = bool(probe.postcode_key) and probe.postcode_key == pupil.postcode_key
    return (
        bool(probe.address) and address_level(probe.address, pupil.address, same_postcode) == "same"
    )


def _family_slip(probe: Probe, pupil: PupilRow) -> bool:
    return family_level(probe.family_key, pupil.family_key)[0] in (EXACT, SPELLING, PARTIAL)


def _given_slip(probe: Probe, pupil: PupilRow) -> bool:
    return given_level(probe.given_key, pupil.given_key)[0] not in (SIMILAR, DIFFERENT, INITIAL)


def resolve_child(session: Session, child: ChildFacts, *, today: date | None = None) -> Resolution:
    """`today` (the local date) lets a child under school age on no roll go to no_setting;
    without it such a child is unmatched."""
    if child.unborn:
        return Resolution(Verdict.NO_SETTING, None, None, "unborn child: goes to the fallback team")
    probe = Probe(
        given_key=name_key(child.given_name),
        family_key=name_key(child.family_name),
        date_of_birth=child.date_of_birth,
        postcode_key=postcode_key(child.postcode),
        address=child.address or "",
        officer_setting_id=_officer_setting(session, child.setting_urn),
        age_years=None if child.date_of_birth is not None else child.age_years,
        aged_on=today,
    )
    keys = BlockingKeys.for_child(
        probe.given_key, probe.family_key, probe.date_of_birth, probe.postcode_key, probe.address
    )
    rows, too_many = find_candidates(session, keys)
    stats = name_stats(
        session,
        (first_name(probe.given_key), first_name(probe.family_key)),
        (probe.family_key, probe.given_key),
    )
    weights = load_weights(session)
    band = age_band(child.born(today), today)
    scores: dict[int, Scored] = {}
    ranked = _rank(probe, rows, stats, weights, band=band, others=child.siblings, scores=scores)
    if not too_many and not (
        ranked and ranked[0].identity_ok and ranked[0].probability >= MATCH_PROBABILITY
    ):
        # Nobody certain: look again by both names alone, by the date and a name's sounds,
        # and by the house (candidates.py, blocks 5 to 7). A block that overflows is left
        # out (a rival could be among the pupils left unread).
        more, overflow = find_candidates(
            session, keys, names_only=True, keep=partial(_worth_scoring, probe)
        )
        seen = {row.id for row in rows}
        extra = [row for row in more if row.id not in seen]
        # The names look that overflowed was left out: the rows do not hold every pupil
        # with both names.
        census = bool(keys.given and keys.family) and not overflow
        if extra or census:
            rows = rows + extra
            ranked = _rank(
                probe,
                rows,
                stats,
                weights,
                census=census,
                band=band,
                others=child.siblings,
                scores=scores,
            )
    if not ranked:
        return _nobody_near(child, today, ())
    if child.siblings and not (
        ranked[0].identity_ok
        and ranked[0].probability >= MATCH_PROBABILITY
        and ranked[0].comparison.postcode == "same"
    ):
        ranked = _with_family(session, ranked, child, weights, stats.total, band, today)
    shown = _candidates(ranked)
    best = ranked[0]
    if too_many:
        return Resolution(
            Verdict.REVIEW,
            None,
            None,
            "too many pupils alike to compare them all",
            round(best.probability, 3),
            shown,
        )
    setting = best.pupil.setting_id
    # One child on two rolls (registered at both, the old roll not yet updated): the
    # setting the officer named, if it is one of them, is where the child is. Dual
    # registration (a school and a pupil referral unit, a nursery and a school: at most
    # one of them mainstream) is a child at each, and each is told.
    named = probe.officer_setting_id == setting
    twins = {
        s.pupil.setting_id: s
        for s in ranked
        if s.pupil.setting_id != setting and _twin_rows(s, best)
    }
    # The officer naming one of them changes nothing for dual registration: the duty is
    # to tell each.
    dual = bool(twins) and dual_registration(session, setting, sorted(twins))
    same = [
        s
        for s in ranked
        if s.pupil.setting_id == setting or ((named or dual) and _twin_rows(s, best))
    ]
    at_setting = sum(s.probability for s in same)
    namesakes = [s for s in ranked[1:] if s.namesake and s not in same]
    needed = MATCH_PROBABILITY
    if best.identity_ok and at_setting >= needed and not namesakes:
        # The child's own row: other rows of it on other rolls count with it.
        person = sum(
            s.probability
            for s in same
            if s is best or (s.pupil.setting_id != setting and _twin_rows(s, best))
        )
        also = tuple(sorted(twins)) if dual else ()
        if person >= needed:
            return _matched(
                session,
                best,
                best.pupil.id,
                "strong match, well ahead of any other pupil",
                at_setting,
                shown,
                also,
            )
        return _matched(
            session,
            best,
            None,
            "pupils too close to tell apart, all at the same setting",
            at_setting,
            shown,
            also,
        )
    if best.plausible and best.probability >= REVIEW_PROBABILITY or namesakes:
        if namesakes and best.namesake:
            reason = "a pupil with the same name and date of birth is at another setting"
        elif (
            best.identity_ok
            and at_setting < MATCH_PROBABILITY
            and any(
                s.probability > REVIEW_PROBABILITY and s.pupil.setting_id != setting
                for s in ranked[1:]
            )
        ):
            reason = "pupils at different settings are too close to tell apart"
        else:
            reason = _why_review(best)
        return Resolution(Verdict.REVIEW, None, None, reason, round(best.probability, 3), shown)
    return _nobody_near(child, today, shown)
