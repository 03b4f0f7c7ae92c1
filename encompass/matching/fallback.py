"""Which council a child belongs to, and that council's fallback team.

A child on no roll (unborn, under school age, or "not on any roll" in review) goes to
the fallback team (a setting of kind `fallback`) of the council worked out like this:
1. the council of the settings attended by pupils living at the child's postcode
   (the most common one), else of the settings in the postcode's district (YO1);
2. the same for the incident's postcode;
3. the only fallback team in the service, if there is exactly one.
With none of these, the child stays in review for a person to route.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from encompass.matching.normalise import postcode_district, postcode_key
from encompass.models import Pupil, Setting


def council_for_postcode(session: Session, postcode: str | None) -> str | None:
    key = postcode_key(postcode)
    if not key:
        return None
    count = func.count().label("n")
    by_pupils = session.execute(
        select(col(Setting.la_code), count)
        .join(Pupil, col(Pupil.setting_id) == col(Setting.id))
        .where(col(Pupil.postcode_key) == key, col(Setting.la_code) != "")
        .group_by(col(Setting.la_code))
        .order_by(count.desc(), col(Setting.la_code))
        .limit(1)
    ).first()
    if by_pupils is not None:
        return str(by_pupils[0])
    district = postcode_district(key)
    by_settings = session.execute(
        select(col(Setting.la_code), count)
        .where(col(Setting.postcode).startswith(district + " "), col(Setting.la_code) != "")
        .group_by(col(Setting.la_code))
        .order_by(count.desc(), col(Setting.la_code))
        .limit(1)
    ).first()
    return str(by_settings[0]) if by_settings is not None else None


def fallback_team(session: Session, la_code: str) -> Setting | None:
    return session.scalars(
        select(Setting)
        .where(col(Setting.kind) == "fallback", col(Setting.la_code) == la_code)
        .order_by(col(Setting.id))
    ).first()


def council_of(session: Session, *postcodes: str | None) -> str | None:
    for postcode in postcodes:
        la_code = council_for_postcode(session, postcode)
        if la_code:
            return la_code
    return None


def route_to_fallback(session: Session, *postcodes: str | None) -> Setting | None:
    """The fallback team for a child on no roll, by the first postcode whose council has
    one; else the service's only fallback team; else None."""
    for postcode in postcodes:
        la_code = council_for_postcode(session, postcode)
        team = fallback_team(session, la_code) if la_code else None
        if team is not None:
            return team
    teams = session.scalars(select(Setting).where(col(Setting.kind) == "fallback").limit(2)).all()
    return teams[0] if len(teams) == 1 else None
