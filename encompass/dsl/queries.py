"""What a Key Adult asks: their setting's notifications, the ones needing action first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from encompass.models import Alert, Child, Notice


@dataclass
class InboxItem:
    alert: Alert
    child: Child
    notice: Notice

    @property
    def needs_action(self) -> bool:
        return _open(self.alert)

    @property
    def council_handling(self) -> bool:
        """The council recorded it is handling it: the DSL can still acknowledge it."""
        return self.needs_action and self.alert.council_handling_at is not None

    def overdue_seconds(self, now: datetime) -> float | None:
        """How long past its deadline an alert still waiting is; None when it is not."""
        due = self.alert.due_by
        if not self.needs_action or due is None or due > now:
            return None
        return (now - due).total_seconds()


def inbox(session: Session, setting_ids: list[int], limit: int = 200) -> list[InboxItem]:
    """Unacknowledged first (the soonest due at the top), then the rest, newest first."""
    rows = session.exec(
        select(Alert, Child, Notice)
        .join(Child, col(Child.id) == Alert.child_id)
        .join(Notice, col(Notice.id) == Child.notice_id)
        .where(col(Alert.setting_id).in_(setting_ids))
        .order_by(
            col(Alert.acknowledged_at).is_not(None) | col(Alert.withdrawn_at).is_not(None),
            col(Alert.due_by).is_(None),
            col(Alert.due_by),
            col(Alert.created_at).desc(),
        )
        .limit(limit)
    ).all()
    # A withdrawn alert (the child was corrected to another setting) needs nothing more.
    waiting = [InboxItem(*row) for row in rows if _open(row[0])]
    done = [InboxItem(*row) for row in rows if not _open(row[0])]
    done.sort(key=lambda item: item.alert.created_at, reverse=True)
    return waiting + done


def _open(alert: Alert) -> bool:
    return alert.acknowledged_at is None and alert.withdrawn_at is None
