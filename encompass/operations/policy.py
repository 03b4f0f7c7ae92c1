"""How long a worker may go without a completed pass before it is reported stale: read
from configuration once (WORKER_STALE_SECONDS), by encompass/policies.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class OperationsPolicy:
    worker_stale: timedelta
    # How often the worker starts a pass (WORKER_INTERVAL_SECONDS).
    worker_interval: timedelta = timedelta(seconds=1)
    # How often a worker does its housekeeping (retention, sweeping old rate-limit windows
    # and sessions, sealing the audit trail): none of it is urgent, and doing it on every
    # pass cost a busy worker a third of its idle passes' time.
    housekeeping_interval: timedelta = timedelta(seconds=30)
    # How often a worker looks at the timers counted in minutes: holiday reminders,
    # follow-up prompts, review deadlines, and messages stuck in `sending` past the
    # sending timeout (five minutes by default). A few seconds late is nothing beside them.
    minutes_check_interval: timedelta = timedelta(seconds=5)

    @classmethod
    def from_config(cls, cfg: Any) -> OperationsPolicy:
        return cls(
            worker_stale=timedelta(seconds=float(cfg["WORKER_STALE_SECONDS"])),
            worker_interval=timedelta(seconds=float(cfg["WORKER_INTERVAL_SECONDS"])),
        )
