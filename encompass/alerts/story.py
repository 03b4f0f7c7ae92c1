"""The child's story: the earlier notices about the same child (alerts/identity.py).

A setting's Key Adult sees in full the earlier notices that reached their setting: when,
whether the deadline was kept, who acknowledged, the support planned, how the child
presented and what followed a week on. Earlier notices held by another setting of the same
council (a child who moved) show only as dates, to ask the council about; a coordinator
sees their council's in full. Nothing of another council's is shown. Notices minimised by
retention show only their dates. Every earlier notice shown in full is audited as a read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, func, or_, select

from encompass.alerts.ack import ROLE_WORDS
from encompass.models import Alert, Child, FollowUp, KeyAdult, Notice, Setting, User
from encompass.records import audit
from encompass.reports.repeats import alerted_children


@dataclass
class StoryEntry:
    alert: Alert
    child: Child
    notice: Notice
    setting: Setting
    acknowledged_by: str = ""
    follow_up: FollowUp | None = None
    # "kept", "missed", "to come" or "" (no deadline was set).
    deadline: str = ""

    @property
    def minimised(self) -> bool:
        return self.notice.minimised_at is not None


def deadline_kept(alert: Alert, now: datetime) -> str:
    """Whether the alert was acknowledged before its deadline: 'kept', 'missed', 'to come',
    or '' when it had none."""
    due, done = alert.due_by, alert.acknowledged_at
    if due is None:
        return ""
    if done is not None:
        return "kept" if done <= due else "missed"
    return "missed" if due <= now else "to come"


@dataclass
class Story:
    # Earlier notices this reader may read, newest first (minimised ones with dates only).
    shown: list[StoryEntry] = field(default_factory=list)
    # When the earlier notices held by other settings of the council happened.
    elsewhere: list[datetime] = field(default_factory=list)

    @property
    def minimised(self) -> int:
        return sum(1 for e in self.shown if e.minimised)

    @property
    def earlier(self) -> int:
        return len(self.shown) + len(self.elsewhere)


def earlier_alerts(
    session: Session, child: Child, notice: Notice, la_code: str
) -> list[tuple[Alert, Child, Notice, Setting]]:
    """The same child's alerts from earlier notices at this council's settings, newest
    first (withdrawn alerts and corrected-away children are not the child's story)."""
    if child.story_id is None:
        return []
    return list(
        session.exec(
            alerted_children()
            .where(
                Child.story_id == child.story_id,
                Child.notice_id != notice.id,
                col(Child.superseded_at).is_(None),
                col(Alert.withdrawn_at).is_(None),
                Setting.la_code == la_code,
                col(Notice.received_at) <= notice.received_at,
            )
            .order_by(col(Notice.occurred_at).desc(), col(Alert.id).desc())
        ).all()
    )


def also_told(session: Session, alert: Alert) -> list[Setting]:
    """The child's other settings told of the same notice (dual registration: the child
    on the rolls of a school and a pupil referral unit, say), oldest alert first."""
    return list(
        session.exec(
            select(Setting)
            .join(Alert, col(Alert.setting_id) == Setting.id)
            .where(
                Alert.child_id == alert.child_id,
                Alert.id != alert.id,
                col(Alert.withdrawn_at).is_(None),
            )
            .order_by(col(Alert.id))
        )
    )


def _one_per_child(
    rows: list[tuple[Alert, Child, Notice, Setting]], alert: Alert
) -> list[tuple[Alert, Child, Notice, Setting]]:
    """One row for each earlier child: a child registered at two settings (dual
    registration) had an alert at each, for one notice. The reader's setting's alert
    stands for it, else the alert to the child's own setting."""
    chosen: dict[int | None, tuple[Alert, Child, Notice, Setting]] = {}
    for row in rows:
        earlier, earlier_child = row[0], row[1]
        held = chosen.get(earlier_child.id)
        if held is None or (
            held[0].setting_id != alert.setting_id
            and (
                earlier.setting_id == alert.setting_id
                or earlier.setting_id == earlier_child.setting_id
            )
        ):
            chosen[earlier_child.id] = row
    keep = {id(row) for row in chosen.values()}
    return [row for row in rows if id(row) in keep]


def _who(session: Session, alerts: list[Alert]) -> dict[int, str]:
    """Who acknowledged each alert: the Key Adult's name and role at the setting."""
    users = {
        u.id: u
        for u in session.exec(
            select(User).where(
                col(User.id).in_(
                    [a.acknowledged_by_user_id for a in alerts if a.acknowledged_by_user_id]
                )
            )
        )
    }
    who: dict[int, str] = {}
    for alert in alerts:
        user = users.get(alert.acknowledged_by_user_id)
        role = ROLE_WORDS.get(alert.acknowledged_as or "", "")
        if user is None or alert.id is None:
            continue
        adult = session.exec(
            select(KeyAdult).where(
                KeyAdult.setting_id == alert.setting_id,
                or_(KeyAdult.user_id == user.id, func.lower(KeyAdult.email) == user.email.lower()),
            )
        ).first()
        name = adult.name if adult is not None else user.email
        who[alert.id] = f"{name} ({role})" if role else name
    return who


def child_story(
    session: Session,
    alert: Alert,
    child: Child,
    notice: Notice,
    setting: Setting,
    *,
    council: bool,
    user_id: int,
    now: datetime,
) -> Story:
    """The story this reader may see (audited; the caller commits). A Key Adult reads this
    setting's earlier notices; a coordinator (`council`) all of the council's."""
    story = Story()
    rows = _one_per_child(earlier_alerts(session, child, notice, setting.la_code or ""), alert)
    for earlier, earlier_child, earlier_notice, where in rows:
        if council or earlier.setting_id == alert.setting_id:
            entry = StoryEntry(earlier, earlier_child, earlier_notice, where)
            entry.deadline = deadline_kept(earlier, now)
            story.shown.append(entry)
        else:
            story.elsewhere.append(earlier_notice.occurred_at)
    full = [e for e in story.shown if not e.minimised]
    ids = [e.alert.id for e in full]
    follow_ups = {
        f.alert_id: f for f in session.exec(select(FollowUp).where(col(FollowUp.alert_id).in_(ids)))
    }
    who = _who(session, [e.alert for e in full])
    for entry in full:
        entry.follow_up = follow_ups.get(entry.alert.id)  # type: ignore[arg-type]
        entry.acknowledged_by = who.get(entry.alert.id, "")  # type: ignore[arg-type]
        audit.record(
            session,
            "alert.viewed",
            user_id=user_id,
            object_type="alert",
            object_id=entry.alert.id,
            detail=f"in the child's story, from alert {alert.id}",
            at=now,
        )
    if rows:
        audit.record(
            session,
            "alert.story_viewed",
            user_id=user_id,
            object_type="alert",
            object_id=alert.id,
            detail=f"{len(full)} earlier notices in full, {story.minimised} minimised, "
            f"{len(story.elsewhere)} at other settings (dates only)",
            at=now,
        )
    return story
