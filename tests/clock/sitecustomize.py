"""Tests only: run this whole Python process on the test clock, when one is set.

`ENCOMPASS_TEST_CLOCK` (an ISO 8601 instant with its offset) starts time-machine for the
process, ticking from that instant. tests/conftest.py imports this module, and puts its
folder first on `PYTHONPATH` so that every Python process a test starts (`encompass
worker`, a web server) imports it too, as `sitecustomize`, and runs on the same clock:
`ENCOMPASS_TEST_CLOCK_STARTED` is the real time at which the clock read that instant, so
a process started later joins it where it has got to. Production never has this folder on
its path; nothing under encompass/ fakes time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

CLOCK = "ENCOMPASS_TEST_CLOCK"
STARTED = "ENCOMPASS_TEST_CLOCK_STARTED"
_RUNNING = "ENCOMPASS_TEST_CLOCK_PID"


@contextmanager
def shared(instant: datetime) -> Iterator[dict[str, str]]:
    """Travel to `instant`, ticking from now; yields the environment with which a Python
    process (`encompass worker`) started inside the block joins this same clock."""
    import time_machine

    with time_machine.travel(instant, tick=True):
        time.time()  # time-machine ticks from the first reading: start it now
        real_now = time_machine.escape_hatch.time.time()
        folder = os.path.dirname(os.path.abspath(__file__))
        yield {
            CLOCK: instant.isoformat(),
            STARTED: repr(real_now),
            "PYTHONPATH": os.pathsep.join(p for p in (folder, os.environ.get("PYTHONPATH")) if p),
        }


def start() -> None:
    value = os.environ.get(CLOCK)
    if not value or os.environ.get(_RUNNING) == str(os.getpid()):
        return
    os.environ[_RUNNING] = str(os.getpid())
    import time_machine

    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise SystemExit(f"{CLOCK}={value}: give the offset, e.g. 2026-12-01T02:30:00+00:00")
    real_now = time.time()
    started = float(os.environ.setdefault(STARTED, repr(real_now)))
    time_machine.travel(instant + timedelta(seconds=real_now - started), tick=True).start()
    time.time()  # time-machine ticks from the first reading: start it now


start()
