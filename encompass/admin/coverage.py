"""Coverage: which settings in a council could not be alerted properly today, and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from encompass.calendar.setting_calendar import has_term_dates
from encompass.models import KeyAdult, Setting

MIN_KEY_ADULTS = 2


@dataclass
class CoverageRow:
    setting: Setting
    problems: list[str] = field(default_factory=list)


def coverage(session: Session, la_code: str | None) -> list[CoverageRow]:
    """Every school and early years setting (in one council, or all), with its problems."""
    query = select(Setting).where(Setting.kind != "fallback").order_by(Setting.name)
    if la_code is not None:
        query = query.where(Setting.la_code == la_code)
    settings = list(session.exec(query))
    adults = session.exec(
        select(KeyAdult).where(
            col(KeyAdult.setting_id).in_([s.id for s in settings]),
            KeyAdult.active == True,  # noqa: E712
        )
    ).all()
    roles: dict[int, Counter[str]] = {}
    unverified: Counter[int] = Counter()
    for adult in adults:
        assert adult.setting_id is not None
        roles.setdefault(adult.setting_id, Counter())[adult.role] += 1
        if adult.phone and adult.phone_verified_at is None:
            unverified[adult.setting_id] += 1
    rows = []
    for setting in settings:
        assert setting.id is not None
        row = CoverageRow(setting)
        have = roles.get(setting.id, Counter())
        key_adults = have["dsl"] + have["deputy"]
        if not have["dsl"]:
            row.problems.append("no DSL: alerts go to the council coordinator")
        if key_adults < MIN_KEY_ADULTS:
            row.problems.append(f"fewer than {MIN_KEY_ADULTS} Key Adults ({key_adults})")
        if unverified[setting.id]:
            row.problems.append(f"{unverified[setting.id]} unverified phone numbers")
        if not has_term_dates(session, setting):
            row.problems.append("no term dates: weekdays but bank holidays assumed")
        if setting.roll_imported_at is None:
            row.problems.append("no pupil roll")
        rows.append(row)
    return rows
