"""First resolver: exact match on normalised name and date of birth, never a guess.

A child resolves to a setting only when the evidence points at exactly one setting;
anything doubtful goes to review, where a person decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from encompass.matching.normalise import name_key, postcode_key
from encompass.models import Pupil, Setting


@dataclass(frozen=True)
class ChildFacts:
    given_name: str
    family_name: str
    date_of_birth: date | None
    postcode: str | None = None
    setting_urn: str | None = None
    unborn: bool = False


@dataclass(frozen=True)
class Resolution:
    outcome: str  # "matched" | "review" | "unmatched" | "no_setting"
    setting_id: int | None
    pupil_id: int | None
    reason: str
    score: float = 0.0


def resolve_child(session: Session, child: ChildFacts) -> Resolution:
    if child.unborn or child.date_of_birth is None:
        return Resolution("no_setting", None, None, "unborn child: goes to the fallback team")
    candidates = list(
        session.exec(
            select(Pupil).where(
                Pupil.date_of_birth == child.date_of_birth,
                Pupil.family_key == name_key(child.family_name),
                Pupil.given_key == name_key(child.given_name),
            )
        )
    )
    if not candidates:
        return Resolution("unmatched", None, None, "not found on any roll")

    if child.setting_urn:
        officer_setting = session.exec(
            select(Setting).where(Setting.urn == child.setting_urn)
        ).first()
        at_officer_setting = [
            p for p in candidates if officer_setting and p.setting_id == officer_setting.id
        ]
        if len(at_officer_setting) == 1:
            pupil = at_officer_setting[0]
            return Resolution(
                "matched", pupil.setting_id, pupil.id, "on the roll of the setting named", 1.0
            )

    wanted_postcode = postcode_key(child.postcode)
    if wanted_postcode:
        candidates = [p for p in candidates if p.postcode_key in ("", wanted_postcode)]
    settings = {p.setting_id for p in candidates}
    if len(candidates) == 1:
        pupil = candidates[0]
        return Resolution(
            "matched", pupil.setting_id, pupil.id, "exact name and date of birth", 1.0
        )
    if not candidates:
        return Resolution("review", None, None, "name and date of birth found, postcode differs")
    if len(settings) == 1:
        return Resolution(
            "review", None, None, "more than one pupil with this name and date of birth"
        )
    return Resolution("review", None, None, "pupils at more than one setting match")
