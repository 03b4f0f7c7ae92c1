"""Learning the matcher's weights from the data, without labels (as Splink does).

- u, how often a level occurs between two *different* pupils, comes from the rolls:
  exact and near agreement on date of birth and on postcode from how the values are
  spread (counts per date and per postcode), names and addresses from random pairs of
  pupils (and, for an address within one postcode, from pairs of neighbours).
- m, how often a child on a notice shows a level against *its own* pupil, comes from
  expectation maximisation over the candidates the live engine finds for the children on
  notices seen (a child is one of its candidates, or on no roll, with the probabilities
  the engine itself would give; u held fixed). The share of notice children who are on a
  roll is learned with it.

Every estimate is smoothed towards the priors (matching/weights.py) as if that many
pupils or notices had been seen, so a pilot council's small roll or a quiet week of
notices cannot swing the weights. Runs after every roll import (a few seconds for a
million pupils); the result is stored in `match_weight`.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from encompass.db import utcnow
from encompass.matching import dates
from encompass.matching.candidates import BlockingKeys, PupilRow, find_candidates, pupil_row
from encompass.matching.family import (
    household_of,
    on_some_roll,
    sibling_at_house,
    siblings_from,
)
from encompass.matching.frequencies import name_stats
from encompass.matching.normalise import (
    first_name,
    name_key,
    postcode_area,
    postcode_district,
    postcode_key,
    postcode_sector,
    postcode_slips,
)
from encompass.matching.resolve import (
    ChildFacts,
    Verdict,
    age_band,
    household_bits,
    posterior,
    prior_bits,
    resolve_child,
)
from encompass.matching.score import (
    EXACT,
    FIRST_EXACT,
    MISSING,
    Comparison,
    NameBits,
    Probe,
    address_kind,
    address_level,
    family_level,
    given_level,
    score,
)
from encompass.matching.sql import as_date
from encompass.matching.weights import (
    LEVELS,
    PRIOR_M,
    PRIOR_OFF_ROLL,
    PRIOR_ON_ROLL,
    PRIOR_SIBLINGS,
    PRIOR_TOGETHER,
    PRIOR_TWINS,
    PRIOR_U,
    Weights,
    load_weights,
    store_weights,
)
from encompass.models import Child, Pupil

# How much the priors count, in pupils (u) and in notice children (m).
U_PRIOR_PUPILS = 2000
M_PRIOR_CHILDREN = 50
TWIN_PRIOR_PUPILS = 10
SAMPLE_PUPILS = 8000
SAMPLE_PAIRS = 40000
SLIP_SAMPLE = 4000
NEIGHBOUR_POSTCODES = 400
EM_ROUNDS = 8
SEEN_CHILDREN = 20000
# Children with brothers and sisters on their notice resolved to learn how often those
# are at the house of the child's pupil.
TOGETHER_CHILDREN = 2000


@dataclass(frozen=True)
class _Pair:
    """A child and one of its candidates, as levels (fixed while EM runs)."""

    comparison: Comparison
    given_share: float
    family_share: float


def learn_weights(
    session: Session,
    children: Iterable[ChildFacts] | None = None,
    *,
    now: datetime | None = None,
    seed: int = 1,
) -> Weights:
    """Estimate u from the rolls and m from `children` (default: the children on the
    notices seen, most recent first), store them and return them."""
    rng = random.Random(seed)
    session.info.pop("encompass_weights", None)
    postcodes = postcode_counts(session)
    u = estimate_u(session, rng, postcodes)
    prior = Weights(
        dict(load_weights(session).m),
        u,
        twin_share=twin_share(session),
        sibling_share=sibling_share(session),
        area_shares=area_shares(postcodes),
    )
    seen = list(children) if children is not None else seen_children(session)
    weights = estimate_m(session, seen, prior, now)
    store_weights(session, weights, now or utcnow())
    # How often a notice's brothers and sisters are at the house of the child's pupil is
    # measured with the weights just learned (the live engine resolves the children).
    family = family_shares(session, seen, (now or utcnow()).date())
    weights = replace(
        weights,
        together_share=family.together,
        off_roll_matched=family.off_roll[0],
        off_roll_unmatched=family.off_roll[1],
        off_roll_by_age=family.off_roll_by_age,
    )
    store_weights(session, weights, now or utcnow())
    return weights


def seen_children(session: Session, limit: int = SEEN_CHILDREN) -> list[ChildFacts]:
    """The children on the notices seen, most recent first, each with the other children
    on its notice."""
    rows = session.scalars(
        select(Child)
        .where(
            col(Child.date_of_birth).is_not(None),
            col(Child.unborn).is_(False),
            col(Child.superseded_at).is_(None),
        )
        .order_by(col(Child.id).desc())
        .limit(limit)
    ).all()
    by_notice: dict[int, list[Child]] = defaultdict(list)
    notices = sorted({c.notice_id for c in rows})
    for start in range(0, len(notices), 500):
        for c in session.scalars(
            select(Child).where(
                col(Child.notice_id).in_(notices[start : start + 500]),
                col(Child.superseded_at).is_(None),
            )
        ):
            by_notice[c.notice_id].append(c)
    return [
        ChildFacts(
            c.given_name,
            c.family_name,
            c.date_of_birth,
            c.postcode or None,
            None,
            False,
            c.address,
            siblings_from(o for o in by_notice[c.notice_id] if o.position != c.position),
            c.age_years,
        )
        for c in rows
        if c.given_name or c.family_name
    ]


@dataclass(frozen=True)
class FamilyShares:
    """What the notices' brothers and sisters are learned to say (family.absent_bits)."""

    together: float
    off_roll: tuple[float, float]
    off_roll_by_age: dict[str, tuple[float, float]]


def family_shares(
    session: Session, children: Sequence[ChildFacts], today: date | None = None
) -> FamilyShares:
    """Of the brothers and sisters named on notices (with the child's surname and a date
    of birth), as the live engine resolves the children without them: the share of those
    on some roll who are at the house of the child's own pupil (children matched at their
    own postcode), and the share on no roll at all, for children matched and for children
    on no roll, overall and by the brother's or sister's age band (at `today`). Each is
    smoothed towards its prior as if M_PRIOR_CHILDREN were seen."""
    at_house = on_roll = 0
    # (band, matched) -> [on no roll, seen]; band "" is every band.
    off: dict[tuple[str, bool], list[int]] = defaultdict(lambda: [0, 0])
    counted = 0
    for child in children:
        house = household_of(child)
        if not house:
            continue
        counted += 1
        if counted > TOGETHER_CHILDREN:
            break
        result = resolve_child(session, replace(child, siblings=()))
        matched = result.outcome == Verdict.MATCHED
        if not matched and (result.candidates or result.setting_id is not None):
            continue  # in doubt: neither
        elsewhere = on_some_roll(session, house)
        for sibling in house:
            band = age_band(sibling.date_of_birth, today)
            for key in {("", matched), (band or "", matched)}:
                off[key][0] += sibling not in elsewhere
                off[key][1] += 1
        row = pupil_row(session, result.pupil_id) if result.pupil_id else None
        if row is None or row.postcode_key != postcode_key(child.postcode):
            continue
        for sibling in elsewhere:
            on_roll += 1
            at_house += sibling_at_house(session, row, (sibling,)) is not None
    k = M_PRIOR_CHILDREN

    def smoothed(n: int, seen: int, prior: float) -> float:
        return (n + k * prior) / (seen + k)

    def pair(band: str) -> tuple[float, float]:
        (a, seen_a), (b, seen_b) = off[(band, True)], off[(band, False)]
        return smoothed(a, seen_a, PRIOR_OFF_ROLL), smoothed(b, seen_b, PRIOR_OFF_ROLL)

    bands = sorted({band for band, _ in off if band})
    return FamilyShares(
        smoothed(at_house, on_roll, PRIOR_TOGETHER), pair(""), {b: pair(b) for b in bands}
    )


# --- u: from the rolls ---------------------------------------------------------------------------
def _smooth(
    counts: dict[str, float] | Counter[str], n: float, field_: str
) -> dict[tuple[str, str], float]:
    """Shares of each level, smoothed towards the prior as if U_PRIOR_PUPILS more were seen."""
    levels = LEVELS[field_]
    prior = PRIOR_U[field_]
    k = float(U_PRIOR_PUPILS)
    raw = {lv: (counts.get(lv, 0.0) + k * prior[lv]) / (n + k) for lv in levels}
    total = sum(raw.values())
    return {(field_, lv): v / total for lv, v in raw.items()}


def estimate_u(
    session: Session, rng: random.Random, postcodes: dict[str, int]
) -> dict[tuple[str, str], float]:
    """u of every level; `postcodes`: the pupils at each postcode (postcode_counts)."""
    u: dict[tuple[str, str], float] = {}
    sample = _sample_pupils(session, rng)
    pairs = _random_pairs(len(sample), rng)
    given: Counter[str] = Counter()
    family: Counter[str] = Counter()
    address: Counter[str] = Counter()
    addressed = 0
    for i, j in pairs:
        a, b = sample[i], sample[j]
        given[given_level(a.given_key, b.given_key)[0]] += 1
        family[family_level(a.family_key, b.family_key)[0]] += 1
        level = address_level(a.address, b.address)
        if level != MISSING:
            address[level] += 1
            addressed += 1
    # The first name alone agreeing, the others not: counted apart from exact agreement.
    u.update(_smooth(given, len(pairs), "given"))
    u.update(_smooth(family, len(pairs), "family"))
    u.update(_smooth(address, addressed, "address"))
    u.update(_dob_u(session))
    u.update(_postcode_u(postcodes, rng))
    u.update(_neighbour_address_u(session, rng))
    return u


def _sample_pupils(session: Session, rng: random.Random) -> list[PupilRow]:
    low, high = session.execute(select(func.min(col(Pupil.id)), func.max(col(Pupil.id)))).one()
    if low is None:
        return []
    ids = sorted({rng.randint(low, high) for _ in range(SAMPLE_PUPILS)})
    out: list[PupilRow] = []
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(
                col(Pupil.id),
                col(Pupil.setting_id),
                col(Pupil.given_name),
                col(Pupil.family_name),
                col(Pupil.given_key),
                col(Pupil.family_key),
                col(Pupil.date_of_birth),
                col(Pupil.postcode),
                col(Pupil.postcode_key),
                col(Pupil.address),
            ).where(col(Pupil.id).in_(ids[start : start + 500]))
        ).all()
        out += [PupilRow(*row) for row in rows]
    return out


def _random_pairs(n: int, rng: random.Random) -> list[tuple[int, int]]:
    if n < 2:
        return []
    wanted = min(SAMPLE_PAIRS, n * (n - 1) // 2)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < wanted:
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def _dob_u(session: Session) -> dict[tuple[str, str], float]:
    counts: dict[date, int] = {}
    for day, n in session.execute(
        select(col(Pupil.date_of_birth), func.count()).group_by(col(Pupil.date_of_birth))
    ):
        counts[as_date(day)] = int(n)
    total = sum(counts.values())
    found: dict[str, float] = defaultdict(float)
    if total > 1:
        pairs = total * (total - 1)
        for day, n in counts.items():
            found[dates.EXACT] += n * (n - 1) / pairs
            near = set(dates.near_dates(day)) | set(dates.digit_dates(day, date(1900, 1, 1)))
            near.discard(day)
            for other in near:
                m = counts.get(other)
                if m:
                    found[dates.dob_level(day, other)] += n * m / pairs
        found[dates.DIFFERENT] = max(0.0, 1.0 - sum(found.values()))
    return _smooth({k: v * total for k, v in found.items()}, total, "dob")


def _slip_shares(counts: dict[str, int], total: int, rng: random.Random) -> Counter[str]:
    """The chance that two pupils' postcodes are one typing slip apart in different
    sectors (score.postcode_level), from a sample of pupils' postcodes, split by whether
    the two share the district, the area or neither ("district", "area", "different")."""
    keys = list(counts)
    sample = rng.choices(keys, weights=[counts[k] for k in keys], k=min(SLIP_SAMPLE, total))
    found: Counter[str] = Counter()
    for key in sample:
        sector, district, area = postcode_sector(key), postcode_district(key), postcode_area(key)
        for other in postcode_slips(key):
            n = counts.get(other, 0)
            if not n or postcode_sector(other) == sector:
                continue
            if postcode_district(other) == district:
                found["district"] += n
            elif postcode_area(other) == area:
                found["area"] += n
            else:
                found["different"] += n
    pairs = len(sample) * max(total - 1, 1)
    return Counter({level: n / pairs for level, n in found.items()})


def postcode_counts(session: Session) -> dict[str, int]:
    """The pupils at each postcode (those with one)."""
    return {
        key: int(n)
        for key, n in session.execute(
            select(col(Pupil.postcode_key), func.count())
            .where(col(Pupil.postcode_key) != "")
            .group_by(col(Pupil.postcode_key))
        )
    }


def _postcode_u(counts: dict[str, int], rng: random.Random) -> dict[tuple[str, str], float]:
    """How often two pupils' postcodes agree at each level: from the number of pupils at
    each postcode (`counts`), sector, district and area (nested), less the slips among
    them."""
    total = sum(counts.values())
    found: dict[str, float] = {}
    if total > 1:
        pairs = total * (total - 1)
        shared = {}
        for level, part in (
            ("same", lambda k: k),
            ("sector", postcode_sector),
            ("district", postcode_district),
            ("area", postcode_area),
        ):
            groups: Counter[str] = Counter()
            for key, n in counts.items():
                groups[part(key)] += n
            shared[level] = sum(n * (n - 1) for n in groups.values()) / pairs
        slips = _slip_shares(counts, total, rng)
        found.update(
            {
                "same": shared["same"],
                "sector": max(shared["sector"] - shared["same"], 0.0),
                "slip": sum(slips.values()),
                "district": max(shared["district"] - shared["sector"] - slips["district"], 0.0),
                "area": max(shared["area"] - shared["district"] - slips["area"], 0.0),
                "different": max(1.0 - shared["area"] - slips["different"], 0.0),
            }
        )
    return _smooth({k: v * total for k, v in found.items()}, total, "postcode")


def area_shares(counts: dict[str, int]) -> dict[str, float]:
    """The share of pupils (with a postcode) in each postcode area; `counts`: the pupils at
    each postcode."""
    areas: Counter[str] = Counter()
    for key, n in counts.items():
        area = postcode_area(key)
        if area:
            areas[area] += n
    total = sum(areas.values())
    return {area: n / total for area, n in areas.items()} if total else {}


def _neighbour_address_u(session: Session, rng: random.Random) -> dict[tuple[str, str], float]:
    """How often two pupils at one postcode share a house, a street or neither."""
    shared = [
        key
        for key, n in session.execute(
            select(col(Pupil.postcode_key), func.count())
            .where(col(Pupil.postcode_key) != "", col(Pupil.address) != "")
            .group_by(col(Pupil.postcode_key))
            .having(func.count() > 1)
        )
    ]
    chosen = rng.sample(shared, min(NEIGHBOUR_POSTCODES, len(shared)))
    found: Counter[str] = Counter()
    compared = 0
    for start in range(0, len(chosen), 200):
        groups: dict[str, list[str]] = defaultdict(list)
        for key, address in session.execute(
            select(col(Pupil.postcode_key), col(Pupil.address)).where(
                col(Pupil.postcode_key).in_(chosen[start : start + 200]), col(Pupil.address) != ""
            )
        ):
            groups[key].append(address)
        for addresses in groups.values():
            for i in range(len(addresses)):
                for j in range(i + 1, min(len(addresses), i + 30)):
                    level = address_level(addresses[i], addresses[j], True)
                    if level != MISSING:
                        found[level] += 1
                        compared += 1
    return _smooth(found, compared, "address_pc")


# --- m: expectation maximisation over the notices seen ---------------------------------------
def _pairs_of(session: Session, child: ChildFacts, prior: Weights) -> list[_Pair]:
    probe = Probe(
        name_key(child.given_name),
        name_key(child.family_name),
        child.date_of_birth,
        postcode_key(child.postcode),
        child.address or "",
    )
    keys = BlockingKeys.for_child(
        probe.given_key, probe.family_key, probe.date_of_birth, probe.postcode_key
    )
    rows, _ = find_candidates(session, keys)
    if not rows:
        return []
    stats = name_stats(
        session,
        (first_name(probe.given_key), first_name(probe.family_key)),
        (probe.family_key, probe.given_key),
    )
    names = NameBits.of(probe, stats, prior)
    out = []
    for row in rows:
        c = score(probe, row, names, prior).comparison
        child_given, child_family = (
            (probe.family_key, probe.given_key)
            if c.order_swapped
            else (probe.given_key, probe.family_key)
        )
        out.append(
            _Pair(
                c,
                stats.share("given", first_name(child_given)),
                stats.share("family", child_family),
            )
        )
    return out


def _levels(c: Comparison) -> list[tuple[str, str]]:
    out = [("given", c.given[0]), ("family", c.family[0]), ("dob", c.dob), ("postcode", c.postcode)]
    kind = address_kind(c)
    if kind is not None:
        out.append((kind, c.address))
    return [(f, lv) for f, lv in out if lv != MISSING]


def _bits(pair: _Pair, weights: Weights) -> tuple[float, float, float]:
    """(the pair's evidence, the given name's part of it, the date of birth's), in bits."""
    total = -1.0 if pair.comparison.order_swapped else 0.0
    given = dob = 0.0
    for field_, level in _levels(pair.comparison):
        if level == EXACT and field_ in ("given", "family"):
            share = pair.given_share if field_ == "given" else pair.family_share
            bits = weights.exact_name_bits(field_, share)
        elif level == FIRST_EXACT:
            bits = (
                weights.exact_name_bits("given", pair.given_share)
                + weights.bits("given", FIRST_EXACT)
                - weights.bits("given", EXACT)
            )
        else:
            bits = weights.bits(field_, level)
        total += bits
        if field_ == "given":
            given = bits
        elif field_ == "dob":
            dob = bits
    return total, given, dob


def _chances(group: list[_Pair], weights: Weights, prior: float) -> list[float]:
    """The probability of each of a child's candidates, as the live engine gives it."""
    bits = [_bits(p, weights) for p in group]
    others = [
        b
        for p, (t, g, d) in zip(group, bits, strict=True)
        for b in household_bits(p.comparison, t, g, d, weights)
    ]
    return posterior([t for t, _, _ in bits], prior, others)


def sibling_share(session: Session) -> float:
    """Share of pupils with a brother or sister on the rolls: another pupil with the same
    surname and postcode and another given name. Smoothed towards the prior."""
    households = (
        select(func.count().label("n"))
        .where(col(Pupil.postcode_key) != "")
        .group_by(col(Pupil.family_key), col(Pupil.postcode_key))
        .having(func.count(func.distinct(col(Pupil.given_key))) > 1)
        .subquery()
    )
    siblings = session.execute(select(func.coalesce(func.sum(households.c.n), 0))).scalar_one()
    pupils = session.execute(select(func.count()).select_from(Pupil)).scalar_one()
    return (int(siblings) + TWIN_PRIOR_PUPILS * PRIOR_SIBLINGS) / (pupils + TWIN_PRIOR_PUPILS)


def twin_share(session: Session) -> float:
    """Share of pupils with a twin on the rolls: another pupil with the same surname, date
    of birth and postcode and another given name. Smoothed towards the prior."""
    households = (
        select(func.count().label("n"))
        .where(col(Pupil.postcode_key) != "")
        .group_by(col(Pupil.date_of_birth), col(Pupil.family_key), col(Pupil.postcode_key))
        .having(func.count(func.distinct(col(Pupil.given_key))) > 1)
        .subquery()
    )
    twins = session.execute(select(func.coalesce(func.sum(households.c.n), 0))).scalar_one()
    pupils = session.execute(select(func.count()).select_from(Pupil)).scalar_one()
    return (int(twins) + TWIN_PRIOR_PUPILS * PRIOR_TWINS) / (pupils + TWIN_PRIOR_PUPILS)


def estimate_m(
    session: Session, children: Sequence[ChildFacts], prior: Weights, now: datetime | None = None
) -> Weights:
    """EM over the children's candidates; u stays as given. The share of children on a
    roll is learned for each age band (under school age or not, at `now`) as well."""
    pupils = session.execute(select(func.count()).select_from(Pupil)).scalar_one()
    today = (now or utcnow()).date()
    banded = [(age_band(c.date_of_birth, today), _pairs_of(session, c, prior)) for c in children]
    groups = [(band, g) for band, g in banded if g]
    counts = Counter(band for band, _ in banded)
    prior_m = {(f, lv): p for f, levels in PRIOR_M.items() for lv, p in levels.items()}
    weights = Weights(
        dict(prior.m),
        prior.u,
        PRIOR_ON_ROLL,
        prior.twin_share,
        notices=len(children),
        sibling_share=prior.sibling_share,
        area_shares=prior.area_shares,
    )
    for _ in range(EM_ROUNDS if groups else 0):
        expected: dict[tuple[str, str], float] = defaultdict(float)
        on_roll: dict[str | None, float] = defaultdict(float)
        odds = {band: prior_bits(weights, pupils, band) for band in counts}
        for band, group in groups:
            for pair, p in zip(group, _chances(group, weights, odds[band]), strict=True):
                on_roll[band] += p
                for key in _levels(pair.comparison):
                    expected[key] += p
        m: dict[tuple[str, str], float] = {}
        for field_, levels in LEVELS.items():
            seen = sum(expected[(field_, lv)] for lv in levels)
            for lv in levels:
                m[(field_, lv)] = (
                    expected[(field_, lv)] + M_PRIOR_CHILDREN * prior_m[(field_, lv)]
                ) / (seen + M_PRIOR_CHILDREN)
        total = sum(on_roll.values())
        share = (total + M_PRIOR_CHILDREN * PRIOR_ON_ROLL) / (len(children) + M_PRIOR_CHILDREN)
        # Each age band's share, smoothed towards the whole share.
        by_age = {
            band: (on_roll[band] + M_PRIOR_CHILDREN * share) / (n + M_PRIOR_CHILDREN)
            for band, n in counts.items()
            if band is not None
        }
        weights = Weights(
            m,
            prior.u,
            share,
            prior.twin_share,
            notices=len(children),
            sibling_share=prior.sibling_share,
            on_roll_by_age=by_age,
            area_shares=prior.area_shares,
        )
    return weights
