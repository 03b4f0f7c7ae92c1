"""Real `encompass worker` processes for the e2e tests, and waiting on them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def start_worker(
    app: Any, fake_twilio: Any, tmp_path: Path, clock: dict[str, str], **settings: str
) -> subprocess.Popen[bytes]:
    """`encompass worker` on the test app's database and data keys, its SMS and calls to
    the fake Twilio, ticking every 0.2 s on the test's clock; its log in worker.log.
    `settings` override (or add to) its configuration."""
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TWILIO_", "SMTP_", "DATABASE_"))
        },
        **{k: str(v) for k, v in fake_twilio.config().items()},
        "ENCOMPASS_ENV": "development",
        "DATABASE_URL": app.config["DATABASE_URL"],
        # The same data keys as the test app, which wrote the notices.
        "ENCOMPASS_DATA_KEYS": app.config["ENCOMPASS_DATA_KEYS"],
        "WORKER_INTERVAL_SECONDS": "0.2",
        "TWILIO_TIMEOUT_SECONDS": "60",
        # Many notices to one DSL in a minute is these tests' point, not an SMS storm.
        "SMS_PER_RECIPIENT_PER_HOUR": "1000",
        "VOICE_PER_RECIPIENT_PER_HOUR": "1000",
        **settings,
        **clock,
    }
    return subprocess.Popen(  # noqa: S603 - our own program
        [str(Path(sys.executable).parent / "encompass"), "worker"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "worker.log", "ab"),  # noqa: SIM115
    )


def wait_for(condition: Callable[[], Any], what: str, limit: float = 90.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.1)  # polling a real process; no test time depends on this
