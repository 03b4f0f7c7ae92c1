"""The numbers a safeguarding partnership asks for, over whole local weeks.

Counted in Python from a few plain queries, so SQLite and PostgreSQL give the same
answers: a council has hundreds of notices a month, not millions.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from encompass.lifecycles.review import ReviewStatus
from encompass.models import Alert, Child, Notice, ReviewItem, Setting


@dataclass
class Week:
    start: date
    notices: int = 0
    children: int = 0
    escalations: int = 0


@dataclass
class Report:
    start: date  # a Monday
    end: date  # the Sunday the last week ends on
    weeks: list[Week] = field(default_factory=list)
    notices: int = 0
    children: int = 0
    alerts: int = 0
    acknowledged: int = 0
    acknowledged_in_time: int = 0
    # Alerts whose deadline has passed: only they can be late (or in time) yet.
    with_deadline: int = 0
    deadline_to_come: int = 0
    ack_seconds: list[float] = field(default_factory=list)
    escalations: int = 0
    # What the council did about escalated alerts: recorded it was handling them, or
    # acknowledged on the setting's behalf.
    council_handling: int = 0
    council_acknowledged: int = 0
    intake_outcomes: Counter[str] = field(default_factory=Counter)
    review: Counter[str] = field(default_factory=Counter)
    holiday_children: int = 0
    term_children: int = 0

    @property
    def in_time_percent(self) -> float | None:
        if not self.with_deadline:
            return None
        return 100 * self.acknowledged_in_time / self.with_deadline

    @property
    def median_seconds(self) -> float | None:
        return percentile(self.ack_seconds, 50)

    @property
    def p90_seconds(self) -> float | None:
        return percentile(self.ack_seconds, 90)


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile: always a time some alert actually took."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _local_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def build_report(
    session: Session,
    la_code: str | None,
    *,
    start: date,
    weeks: int,
    tz: ZoneInfo,
    now: datetime,
) -> Report:
    """`weeks` whole weeks from the Monday of `start`, for one council or (None) all.

    Timeliness counts the alerts whose deadline has passed by `now`; children are counted
    by their outcome when the notice arrived (a council's later decision is not arrival).
    A child's row replaced by a police correction is counted once, as corrected."""
    first = monday(start)
    report = Report(start=first, end=first + timedelta(days=7 * weeks - 1))
    report.weeks = [Week(first + timedelta(days=7 * i)) for i in range(weeks)]
    since = _local_start(first, tz)
    until = _local_start(first + timedelta(days=7 * weeks), tz)

    def week_of(moment: datetime) -> Week:
        index = (moment.astimezone(tz).date() - first).days // 7
        return report.weeks[index]

    query = (
        select(Child, Notice, Alert)
        .join(Notice, col(Notice.id) == Child.notice_id)
        .join(Alert, col(Alert.child_id) == Child.id, isouter=True)
        # A child registered at two settings has an alert at each (dual registration):
        # each alert counts for its own setting's council, the child once.
        .join(
            Setting,
            col(Setting.id) == func.coalesce(col(Alert.setting_id), col(Child.setting_id)),
            isouter=True,
        )
        .where(col(Notice.received_at) >= since, col(Notice.received_at) < until)
        .where(col(Child.superseded_at).is_(None))
    )
    if la_code is not None:
        reviewed = select(ReviewItem.child_id).where(ReviewItem.la_code == la_code)
        query = query.where((col(Setting.la_code) == la_code) | col(Child.id).in_(reviewed))
    notices_seen: set[int] = set()
    children_seen: set[int] = set()
    for child, notice, alert in session.exec(query).all():
        week = week_of(notice.received_at)
        if notice.id not in notices_seen:
            notices_seen.add(notice.id)  # type: ignore[arg-type]
            week.notices += 1
        if child.id not in children_seen:
            children_seen.add(child.id)  # type: ignore[arg-type]
            week.children += 1
            report.intake_outcomes[child.intake_outcome or child.outcome] += 1
            if child.holiday_period:
                report.holiday_children += 1
            else:
                report.term_children += 1
        if alert is None:
            continue
        report.alerts += 1
        if alert.escalated_at is not None:
            report.escalations += 1
            week.escalations += 1
        if alert.council_handling_at is not None:
            report.council_handling += 1
        if alert.acknowledged_as == "council":
            report.council_acknowledged += 1
        passed = alert.due_by is not None and alert.due_by <= now
        if passed:
            report.with_deadline += 1
        elif alert.due_by is not None:
            report.deadline_to_come += 1
        if alert.acknowledged_at is not None:
            report.acknowledged += 1
            report.ack_seconds.append((alert.acknowledged_at - alert.created_at).total_seconds())
            if passed and alert.due_by is not None and alert.acknowledged_at <= alert.due_by:
                report.acknowledged_in_time += 1
    report.notices = len(notices_seen)
    report.children = sum(w.children for w in report.weeks)
    report.review = _review_outcomes(session, la_code, since, until)
    return report


def _review_outcomes(
    session: Session, la_code: str | None, since: datetime, until: datetime
) -> Counter[str]:
    query = select(ReviewItem).where(
        col(ReviewItem.created_at) >= since, col(ReviewItem.created_at) < until
    )
    if la_code is not None:
        query = query.where(ReviewItem.la_code == la_code)
    outcomes: Counter[str] = Counter()
    for item in session.exec(query):
        if item.status != ReviewStatus.RESOLVED:
            outcomes["waiting"] += 1
        elif item.decision == "pupil":
            outcomes["matched"] += 1
        else:
            outcomes["not_on_roll"] += 1
        if item.escalated_at is not None:
            outcomes["escalated"] += 1
    return outcomes
