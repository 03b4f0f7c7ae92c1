"""Resolve a child on a notice to a setting: matched, review, unmatched or no_setting.

A wrong match sends a child's notice to the wrong school, a data breach, so `matched`
needs all of:
- the best candidate's names, date of birth and postcode are consistent with it being
  the child (at most one slip, two when the postcode agrees; a postcode that differs is
  never an automatic match);
- its total weight reaches the threshold: 8 bits more than log2 of the number of pupils
  on all rolls (at least 2**17). With 1,000,000 pupils that is about 28: for an exact
  name and date of birth with no postcode, the names must be rare enough that fewer than
  1 in 256 children like this one would find a namesake born the same day;
- no other pupil within 5 of it, unless every such pupil is at the same setting (twins
  whose names do not tell them apart, a duplicated roll row): then the setting is certain.

Anything near but short of that is `review`: a person decides. Near means within 14 of
the threshold with at most one of given name, surname and date of birth different
outright (a brother or sister at the same address is not near). Nothing near is
`unmatched`; for an unborn child, or one under school age with no roll entry, it is
`no_setting` (the council's fallback team). A child found on a council's home education
register (a roll of a setting of kind `home_education`) is `no_setting` with that team.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from itertools import islice

from sqlmodel import Session

from encompass.matching.candidates import BlockingKeys, find_candidates
from encompass.matching.dates import under_school_age
from encompass.matching.frequencies import name_stats
from encompass.matching.normalise import first_name, name_key, postcode_key
from encompass.matching.score import ExactWeights, Probe, Scored, score
from encompass.matching.sql import fetch, placeholder

SAFETY_BITS = 8.0
SMALLEST_ROLL = 2**17
MARGIN = 5.0
# Candidates this far below the threshold are still shown for review.
NEAR = 14.0
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


@dataclass(frozen=True)
class Candidate:
    """A pupil the matcher considered, with its score (0 to 1: its evidence as a share of
    what an automatic match needs) and why."""

    pupil_id: int
    setting_id: int
    score: float
    weight: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    outcome: str  # "matched" | "review" | "unmatched" | "no_setting"
    setting_id: int | None
    pupil_id: int | None
    reason: str
    score: float = 0.0
    candidates: tuple[Candidate, ...] = ()


def match_threshold(pupils_on_rolls: int) -> float:
    return SAFETY_BITS + math.log2(max(pupils_on_rolls, SMALLEST_ROLL))


def _share(weight: float, threshold: float) -> float:
    return round(min(1.0, max(0.0, weight / threshold)), 2)


def _officer_setting(session: Session, urn: str | None) -> int | None:
    if not urn:
        return None
    statement = f"SELECT id FROM setting WHERE urn = {placeholder(session)}"  # noqa: S608
    rows = fetch(session, statement, (urn.strip().upper(),))
    return int(rows[0][0]) if rows else None


def _setting_kind(session: Session, setting_id: int) -> str:
    """Cached for the session's life (a request, one `roll match`)."""
    kinds: dict[int, str] = session.info.setdefault("encompass_setting_kinds", {})
    if setting_id not in kinds:
        statement = f"SELECT kind FROM setting WHERE id = {placeholder(session)}"  # noqa: S608
        rows = fetch(session, statement, (setting_id,))
        kinds[setting_id] = str(rows[0][0]) if rows else ""
    return kinds[setting_id]


def _nobody_near(child: ChildFacts, today: date | None, shown: tuple[Candidate, ...]) -> Resolution:
    assert child.date_of_birth is not None
    if today is not None and under_school_age(child.date_of_birth, today):
        return Resolution(
            "no_setting", None, None, "under school age and on no roll: the fallback team"
        )
    return Resolution("unmatched", None, None, "not found on any roll", 0.0, shown)


def _matched(
    session: Session,
    best: Scored,
    pupil_id: int | None,
    reason: str,
    threshold: float,
    shown: tuple[Candidate, ...],
) -> Resolution:
    outcome = "matched"
    if _setting_kind(session, best.pupil.setting_id) == "home_education":
        outcome, reason = "no_setting", "on the council's home education register"
    return Resolution(
        outcome, best.pupil.setting_id, pupil_id, reason, _share(best.total, threshold), shown
    )


def _why_review(best: Scored, threshold: float) -> str:
    levels = {e.field: e.level for e in best.evidence}
    if levels.get("Postcode") == "different":
        return "closest pupil found has a different postcode"
    if not best.identity_ok:
        return "closest pupil found differs in name or date of birth"
    return "closest pupil found is not certain enough for an automatic match"


def resolve_child(session: Session, child: ChildFacts, *, today: date | None = None) -> Resolution:
    """`today` (the local date) lets a child under school age on no roll go to no_setting;
    without it such a child is unmatched."""
    if child.unborn or child.date_of_birth is None:
        return Resolution("no_setting", None, None, "unborn child: goes to the fallback team")
    probe = Probe(
        given_key=name_key(child.given_name),
        family_key=name_key(child.family_name),
        date_of_birth=child.date_of_birth,
        postcode_key=postcode_key(child.postcode),
        address=child.address or "",
        officer_setting_id=_officer_setting(session, child.setting_urn),
    )
    keys = BlockingKeys.for_child(
        probe.given_key, probe.family_key, probe.date_of_birth, probe.postcode_key
    )
    rows, too_many = find_candidates(session, keys)
    if not rows:
        return _nobody_near(child, today, ())
    stats = name_stats(
        session,
        (first_name(probe.given_key), first_name(probe.family_key)),
        (probe.family_key, probe.given_key),
    )
    threshold = match_threshold(stats.total)
    exact = ExactWeights.of(probe, stats)
    ranked = sorted((score(probe, row, exact) for row in rows), key=lambda s: -s.total)
    near = (s for s in ranked if s.plausible and s.total >= threshold - NEAR)
    shown = tuple(
        Candidate(
            s.pupil.id, s.pupil.setting_id, _share(s.total, threshold), s.total, tuple(s.reasons)
        )
        for s in islice(near, SHOWN)
    )
    best = ranked[0]
    if too_many:
        return Resolution(
            "review",
            None,
            None,
            "too many pupils alike to compare them all",
            _share(best.total, threshold),
            shown,
        )
    if best.identity_ok and best.total >= threshold:
        rivals = [s for s in ranked[1:] if s.total > best.total - MARGIN]
        if not rivals:
            return _matched(
                session,
                best,
                best.pupil.id,
                "strong match, well ahead of any other pupil",
                threshold,
                shown,
            )
        if all(r.pupil.setting_id == best.pupil.setting_id for r in rivals):
            return _matched(
                session,
                best,
                None,
                "pupils too close to tell apart, all at the same setting",
                threshold,
                shown,
            )
        return Resolution(
            "review",
            None,
            None,
            "pupils at different settings are too close to tell apart",
            _share(best.total, threshold),
            shown,
        )
    if shown:
        return Resolution(
            "review", None, None, _why_review(best, threshold), _share(best.total, threshold), shown
        )
    return _nobody_near(child, today, shown)
