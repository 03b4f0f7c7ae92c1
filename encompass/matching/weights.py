"""What each comparison level is worth: Fellegi-Sunter m and u probabilities, learned.

For every field the matcher compares (given name, surname, date of birth, postcode,
address) and every level of agreement on it (exact, a nickname, a typing slip, one day
out, the same sector, different ...):
- m is how often a child on a notice shows that level against *its own* pupil;
- u is how often two *different* pupils show it.
A level's weight is log2(m / u) bits: how many times likelier the evidence is if the
pupil is the child. An exact first name or surname is weighed by how common the name is
(term-frequency adjustment): log2(m / share of pupils with that name).

`matching/learn.py` estimates both after every roll import (u from the rolls, m by
expectation maximisation over the candidates of the notices seen) and stores them in
`match_weight`; until then, and smoothed into every estimate, the priors below are used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session

from encompass.matching.sql import fetch
from encompass.models import MatchWeight

# Levels of each field, best first. "missing" levels (nothing to compare) weigh nothing.
LEVELS: dict[str, tuple[str, ...]] = {
    "given": (
        "exact",
        "first_exact",
        "nickname",
        "middle",
        "spelling",
        "initial",
        "similar",
        "different",
    ),
    "family": ("exact", "spelling", "partial", "similar", "different"),
    "dob": ("exact", "swapped", "one_day", "transposed", "one_digit", "different"),
    # "slip": one character mistyped or two swapped (in another sector: within one it is
    # "sector").
    "postcode": ("same", "sector", "slip", "district", "area", "different"),
    # The address when the postcode agrees (then a neighbour shares much of it) ...
    "address_pc": ("same", "street", "different"),
    # ... and when it does not, or is missing.
    "address": ("same", "street", "different"),
}
# Priors, as if learned from a national roll and a few thousand notices.
PRIOR_M: dict[str, dict[str, float]] = {
    "given": {
        "exact": 0.85,
        "first_exact": 0.03,
        "nickname": 0.04,
        "middle": 0.01,
        "spelling": 0.04,
        "initial": 0.01,
        "similar": 0.01,
        "different": 0.01,
    },
    "family": {
        "exact": 0.89,
        "spelling": 0.05,
        "partial": 0.02,
        "similar": 0.02,
        "different": 0.02,
    },
    "dob": {
        "exact": 0.925,
        "swapped": 0.015,
        "one_day": 0.01,
        "transposed": 0.01,
        "one_digit": 0.025,
        "different": 0.015,
    },
    "postcode": {
        "same": 0.84,
        "sector": 0.02,
        "slip": 0.01,
        "district": 0.03,
        "area": 0.05,
        "different": 0.05,
    },
    "address_pc": {"same": 0.9, "street": 0.05, "different": 0.05},
    "address": {"same": 0.5, "street": 0.05, "different": 0.45},
}
PRIOR_U: dict[str, dict[str, float]] = {
    "given": {
        "exact": 0.005,
        "first_exact": 0.0005,
        "nickname": 0.002,
        "middle": 0.0003,
        "spelling": 0.003,
        "initial": 0.06,
        "similar": 0.03,
        "different": 0.90,
    },
    "family": {
        "exact": 0.002,
        "spelling": 0.002,
        "partial": 0.0003,
        "similar": 0.02,
        "different": 0.975,
    },
    "dob": {
        "exact": 0.0002,
        "swapped": 0.0001,
        "one_day": 0.0004,
        "transposed": 0.0002,
        "one_digit": 0.004,
        "different": 0.995,
    },
    "postcode": {
        "same": 0.00002,
        "sector": 0.001,
        "slip": 0.0002,
        "district": 0.01,
        "area": 0.1,
        "different": 0.88878,
    },
    "address_pc": {"same": 0.15, "street": 0.7, "different": 0.15},
    "address": {"same": 0.0001, "street": 0.002, "different": 0.9979},
}
# Share of children on notices who are on some roll, before any notice has been seen.
PRIOR_ON_ROLL = 0.8
# Share of pupils who have a twin on the rolls (same surname, date of birth and postcode,
# another given name), before the rolls have been counted.
PRIOR_TWINS = 0.02
# Share of pupils with a brother or sister on the rolls (same surname and postcode, another
# given name), before the rolls have been counted.
PRIOR_SIBLINGS = 0.3
# Share of the brothers and sisters named on a notice (with the child's surname) who are on
# the roll at the house of the child's own pupil, before it has been learned.
PRIOR_TOGETHER = 0.5
# Share of those brothers and sisters on no roll at all, for children who are on a roll and
# for children who are not, before it has been learned (the same: nothing is told).
PRIOR_OFF_ROLL = 0.4
# An exact name never counts for more than this, nor less (a name on no roll is not
# proof of anything: it may be misspelt on the roll).
NAME_BITS = (2.0, 14.0)
# Below this share of pupils with a brother or sister on them, the rolls hold no
# households to speak of (a register of adults, a benchmark), and the household rules of
# matching/score.py, identity_ok, have nothing to guard against. Every council's rolls
# are far above it (about a third to a half of pupils).
HOUSEHOLD_SHARE = 0.05
PROB_FLOOR = 1e-6
# The least u a postcode area's share gives (an area with a pupil or two).
AREA_U_FLOOR = 0.001
# The share of notice children on a roll, as the prior uses it: never taken as certain
# either way.
ON_ROLL_BOUNDS = (0.05, 0.99)


def bounded(share: float) -> float:
    """A learned on-roll share within ON_ROLL_BOUNDS."""
    return min(max(share, ON_ROLL_BOUNDS[0]), ON_ROLL_BOUNDS[1])


@dataclass(frozen=True)
class Weights:
    m: dict[tuple[str, str], float] = field(default_factory=dict)
    u: dict[tuple[str, str], float] = field(default_factory=dict)
    on_roll_share: float = PRIOR_ON_ROLL
    twin_share: float = PRIOR_TWINS
    learned_at: datetime | None = None
    notices: int = 0
    sibling_share: float = PRIOR_SIBLINGS
    # The share of notice children on some roll, by age band ("early": under school
    # age, who may be at no setting at all; "school"); learned like `on_roll_share`.
    on_roll_by_age: dict[str, float] = field(default_factory=dict)
    # The share of a notice's brothers and sisters at the house of the child's pupil.
    together_share: float = PRIOR_TOGETHER
    # The share of those on no roll, for children on a roll and for children on none.
    off_roll_matched: float = PRIOR_OFF_ROLL
    off_roll_unmatched: float = PRIOR_OFF_ROLL
    # The same by the brother's or sister's age band (a baby is on no roll far more often).
    off_roll_by_age: dict[str, tuple[float, float]] = field(default_factory=dict)
    # The share of pupils in each postcode area ("YO": 0.97): weighs a move by where to.
    area_shares: dict[str, float] = field(default_factory=dict)
    # Each level's weight, worked out once.
    _bits: dict[tuple[str, str], float] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def prior(cls) -> Weights:
        return cls(
            {(f, lv): p for f, levels in PRIOR_M.items() for lv, p in levels.items()},
            {(f, lv): p for f, levels in PRIOR_U.items() for lv, p in levels.items()},
        )

    def on_roll(self, band: str | None) -> float:
        """The share of notice children on some roll, for children of this age band."""
        return self.on_roll_by_age.get(band or "", self.on_roll_share)

    def off_roll(self, band: str | None) -> tuple[float, float]:
        """The share of a notice's brothers and sisters of this age band on no roll, for
        children on a roll and for children on none."""
        return self.off_roll_by_age.get(
            band or "", (self.off_roll_matched, self.off_roll_unmatched)
        )

    def postcode_bits(self, level: str, area: str) -> float:
        """A postcode level's weight for a child in postcode area `area`. A move within
        the area, or out of it, is weighed by the share of pupils in that area where the
        rolls have been counted: on a county's rolls nearly every pupil shares the county's
        area, so a pupil there proves little for a child in it, and a child from outside
        differs from almost every pupil (the average over all pairs would say otherwise)."""
        if level not in ("area", "different") or not self.area_shares:
            return self.bits("postcode", level)
        share = self.area_shares.get(area, 0.0)
        u = share if level == "area" else 1.0 - share
        m = self.m.get(("postcode", level), PROB_FLOOR)
        return math.log2(max(m, PROB_FLOOR) / min(max(u, AREA_U_FLOOR), 1.0))

    @property
    def households(self) -> bool:
        """Do the rolls hold brothers, sisters and twins (learned from them)?"""
        return self.sibling_share >= HOUSEHOLD_SHARE

    def bits(self, field_: str, level: str) -> float:
        """log2(m / u) of a level; 0 for a level not modelled (nothing to compare)."""
        known = self._bits.get((field_, level))
        if known is not None:
            return known
        m, u = self.m.get((field_, level)), self.u.get((field_, level))
        value = (
            0.0 if m is None or u is None else math.log2(max(m, PROB_FLOOR) / max(u, PROB_FLOOR))
        )
        self._bits[(field_, level)] = value
        return value

    def exact_name_bits(self, field_: str, share: float) -> float:
        """An exact name, weighed by how common it is on the rolls."""
        m = self.m.get((field_, "exact"), 0.9)
        return min(NAME_BITS[1], max(NAME_BITS[0], math.log2(m / max(share, PROB_FLOOR))))


def load_weights(session: Session) -> Weights:
    """The stored weights (the priors where none are stored), kept for the session's life."""
    cached = session.info.get("encompass_weights")
    if isinstance(cached, Weights):
        return cached
    rows = fetch(session, "SELECT field, level, m, u, learned_at, notices FROM match_weight", ())
    weights = Weights.prior()
    if rows:
        m = dict(weights.m)
        u = dict(weights.u)
        on_roll, twins, siblings = PRIOR_ON_ROLL, PRIOR_TWINS, PRIOR_SIBLINGS
        together = PRIOR_TOGETHER
        off_matched = off_unmatched = PRIOR_OFF_ROLL
        off_by_age: dict[str, list[float]] = {}
        areas: dict[str, float] = {}
        by_age: dict[str, float] = {}
        learned_at, notices = None, 0
        for field_, level, m_value, u_value, at, seen in rows:
            if field_ == "postcode_area":
                areas[level] = float(m_value)
                continue
            if field_ == "prior":
                if level == "twins":
                    twins = float(m_value)
                elif level == "siblings":
                    siblings = float(m_value)
                elif level == "together":
                    together = float(m_value)
                elif level == "off_roll_matched":
                    off_matched = float(m_value)
                elif level == "off_roll_unmatched":
                    off_unmatched = float(m_value)
                elif level.startswith(("off_roll_m_", "off_roll_u_")):
                    pair = off_by_age.setdefault(level[11:], [PRIOR_OFF_ROLL, PRIOR_OFF_ROLL])
                    pair[level[9] == "u"] = float(m_value)
                elif level.startswith("on_roll_"):
                    by_age[level.removeprefix("on_roll_")] = float(m_value)
                else:
                    on_roll, learned_at, notices = float(m_value), at, int(seen)
                continue
            m[(field_, level)], u[(field_, level)] = float(m_value), float(u_value)
        if isinstance(learned_at, str):
            learned_at = datetime.fromisoformat(learned_at)
        weights = Weights(
            m,
            u,
            on_roll,
            twins,
            learned_at,
            notices,
            siblings,
            by_age,
            together,
            off_matched,
            off_unmatched,
            {band: (pair[0], pair[1]) for band, pair in off_by_age.items()},
            areas,
        )
    session.info["encompass_weights"] = weights
    return weights


def store_weights(session: Any, weights: Weights, now: datetime) -> None:
    """Replace the stored weights; `session` is a Session (its cached copy is dropped)."""
    rows: list[dict[str, Any]] = [
        {"field": f, "level": lv, "m": weights.m[(f, lv)], "u": weights.u[(f, lv)]}
        | {"learned_at": now, "notices": weights.notices}
        for f, levels in LEVELS.items()
        for lv in levels
    ]
    for level, value in (
        ("on_roll", weights.on_roll_share),
        ("twins", weights.twin_share),
        ("siblings", weights.sibling_share),
        ("together", weights.together_share),
        ("off_roll_matched", weights.off_roll_matched),
        ("off_roll_unmatched", weights.off_roll_unmatched),
        *(
            (f"off_roll_{kind}_{band}", pair[n])
            for band, pair in sorted(weights.off_roll_by_age.items())
            for n, kind in enumerate("mu")
        ),
        *((f"on_roll_{band}", share) for band, share in sorted(weights.on_roll_by_age.items())),
    ):
        rows.append(
            {
                "field": "prior",
                "level": level,
                "m": value,
                "u": 0.0,
                "learned_at": now,
                "notices": weights.notices,
            }
        )
    rows += [
        {
            "field": "postcode_area",
            "level": area,
            "m": share,
            "u": 0.0,
            "learned_at": now,
            "notices": weights.notices,
        }
        for area, share in sorted(weights.area_shares.items())
    ]
    session.execute(delete(MatchWeight))
    session.execute(insert(MatchWeight), rows)
    session.info.pop("encompass_weights", None)
