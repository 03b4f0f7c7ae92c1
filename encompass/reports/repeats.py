"""Children notified again and again: which stories a council looks at together, and the
repeat and holiday-period notices counted by month.

A child's story is its notices linked without guessing (alerts/identity.py: the same
pupil, or a coordinator's decision). A story is repeated when REPEAT_NOTICES or more of
its notices fall within REPEAT_DAYS, or REPEAT_CLOSE_NOTICES within REPEAT_CLOSE_DAYS. A
notice is a repeat when the same child had another notice in the REPEAT_DAYS before it.
Each council counts only its own settings' notices: nothing crosses councils.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from encompass.models import Alert, Child, Notice, Setting


@dataclass(frozen=True)
class RepeatPolicy:
    """Defaults in config/default.py."""

    notices: int = 3
    days: int = 90
    close_notices: int = 2
    close_days: int = 14

    @classmethod
    def from_config(cls, cfg: Any) -> RepeatPolicy:
        return cls(
            notices=int(cfg["REPEAT_NOTICES"]),
            days=int(cfg["REPEAT_DAYS"]),
            close_notices=int(cfg["REPEAT_CLOSE_NOTICES"]),
            close_days=int(cfg["REPEAT_CLOSE_DAYS"]),
        )

    def repeated(self, times: list[datetime]) -> bool:
        """`notices` within `days`, or `close_notices` within `close_days`, of each other."""
        ordered = sorted(times)
        return _within(ordered, self.notices, timedelta(days=self.days)) or _within(
            ordered, self.close_notices, timedelta(days=self.close_days)
        )

    def describe(self) -> str:
        return (
            f"{self.notices} or more notices within {self.days} days, or "
            f"{self.close_notices} within {self.close_days} days"
        )


def _within(ordered: list[datetime], count: int, span: timedelta) -> bool:
    if count < 1 or len(ordered) < count:
        return False
    return any(ordered[i + count - 1] - ordered[i] <= span for i in range(len(ordered) - count + 1))


@dataclass
class StoryRow:
    alert: Alert
    child: Child
    notice: Notice
    setting: Setting


@dataclass
class ChildStory:
    """One child's notices at one council's settings, oldest first."""

    story_id: int
    la_code: str
    rows: list[StoryRow] = field(default_factory=list)

    @property
    def latest(self) -> StoryRow:
        return self.rows[-1]

    @property
    def name(self) -> str:
        """The child's name from the latest notice that still has it ('' when minimised)."""
        for row in reversed(self.rows):
            if row.notice.minimised_at is None and row.child.given_name:
                return row.child.display_name
        return ""


def alerted_children() -> Select[Alert, Child, Notice, Setting]:
    """Each alert with its child, notice and setting: the rows a child's story is made of
    (the caller adds its conditions)."""
    return (
        select(Alert, Child, Notice, Setting)
        .join(Child, col(Child.id) == Alert.child_id)
        .join(Notice, col(Notice.id) == Child.notice_id)
        .join(Setting, col(Setting.id) == Alert.setting_id)
    )


def council_stories(
    session: Session, la_code: str | None, since: datetime, until: datetime
) -> list[ChildStory]:
    """Every child's notices that occurred in [since, until) at a council's settings (None:
    every council, each on its own), by story; corrected-away children and withdrawn
    alerts are not part of a child's story."""
    query = (
        alerted_children()
        .where(
            col(Child.story_id).is_not(None),
            col(Child.superseded_at).is_(None),
            col(Alert.withdrawn_at).is_(None),
            col(Notice.occurred_at) >= since,
            col(Notice.occurred_at) < until,
        )
        .order_by(col(Notice.occurred_at), col(Alert.id))
    )
    if la_code is not None:
        query = query.where(Setting.la_code == la_code)
    stories: dict[tuple[str, int], ChildStory] = {}
    for alert, child, notice, setting in session.exec(query).all():
        key = (setting.la_code or "", int(child.story_id))  # type: ignore[arg-type]
        story = stories.setdefault(key, ChildStory(key[1], key[0]))
        if any(row.child.id == child.id for row in story.rows):
            # Dual registration: the child told at two of the council's settings is one
            # notice about it, not two (its first alert stands for it).
            continue
        story.rows.append(StoryRow(alert, child, notice, setting))
    return list(stories.values())


def repeated_children(
    session: Session, la_code: str | None, policy: RepeatPolicy, *, since: datetime, until: datetime
) -> list[ChildStory]:
    """The stories with repeated notices in the period, the most recent first."""
    found = [
        s
        for s in council_stories(session, la_code, since, until)
        if policy.repeated([r.notice.occurred_at for r in s.rows])
    ]
    return sorted(found, key=lambda s: s.latest.notice.occurred_at, reverse=True)


@dataclass
class Month:
    start: date
    notices: int = 0
    repeats: int = 0
    holiday: int = 0


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def monthly_counts(
    session: Session,
    la_code: str | None,
    policy: RepeatPolicy,
    *,
    first: date,
    last: date,
    tz: ZoneInfo,
) -> list[Month]:
    """Each local month from `first`'s to `last`'s: the children's notices that reached a
    setting, the repeats among them (another notice about the child in the REPEAT_DAYS
    before), and those whose incident fell in a school holiday."""
    months = []
    day = _month_start(first)
    while day <= last:
        months.append(Month(day))
        day = _next_month(day)
    since = datetime.combine(months[0].start, time(0), tzinfo=tz)
    until = datetime.combine(_next_month(months[-1].start), time(0), tzinfo=tz)
    # Earlier notices count towards a repeat, so look back a window before the first month.
    stories = council_stories(session, la_code, since - timedelta(days=policy.days), until)
    by_month = {m.start: m for m in months}
    window = timedelta(days=policy.days)
    for story in stories:
        times: list[datetime] = []
        for row in story.rows:
            at = row.notice.occurred_at
            month = by_month.get(_month_start(at.astimezone(tz).date()))
            if month is not None and at >= since:
                month.notices += 1
                if any(at - before <= window for before in times):
                    month.repeats += 1
                if row.child.holiday_period:
                    month.holiday += 1
            times.append(at)
    return months
