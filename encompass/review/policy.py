"""When an undecided review item goes to the coordinator's deputy, read from configuration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class ReviewPolicy:
    """Defaults in config/default.py."""

    # Before the child's deadline (the due_by an alert would have) ...
    lead: timedelta
    # ... or this long after the item arrived, whichever is sooner ...
    max_wait: timedelta
    # ... but never sooner than this after it arrived.
    min_wait: timedelta

    @classmethod
    def from_config(cls, cfg: Any) -> ReviewPolicy:
        return cls(
            lead=timedelta(minutes=int(cfg["REVIEW_ESCALATION_LEAD_MINUTES"])),
            max_wait=timedelta(minutes=int(cfg["REVIEW_MAX_WAIT_MINUTES"])),
            min_wait=timedelta(minutes=int(cfg["REVIEW_MIN_WAIT_MINUTES"])),
        )

    def escalate_at(self, created_at: datetime, due_by: datetime | None) -> datetime:
        latest = created_at + self.max_wait
        if due_by is not None:
            latest = min(latest, due_by - self.lead)
        return max(latest, created_at + self.min_wait)
