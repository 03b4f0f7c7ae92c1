"""How log lines look: plain text, or one JSON object a line (LOG_FORMAT=json), each with
the id of the request or worker pass it belongs to.

Every request gets an id (the proxy's X-Request-Id when it sends a sane one, else a new
one), sent back in X-Request-Id and carried by every line logged while it is served;
every worker pass gets a step id the same way. A log line never holds a child's details
(nothing logs them) nor a full link token (records/log_redaction.py, and the request line
shortens every token in its path).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
step_id: ContextVar[str | None] = ContextVar("step_id", default=None)

# What the request and worker lines add to a record (logging's `extra`), in this order.
FIELDS = ("method", "path", "status", "duration_ms", "counts")
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def new_id() -> str:
    return uuid.uuid4().hex[:16]


def given_or_new(header: str | None) -> str:
    """The caller's request id if it looks like one (no log injection), else a new one."""
    return header if header and _SANE_ID.fullmatch(header) else new_id()


def _with_ids(record: logging.LogRecord) -> logging.LogRecord:
    rid, sid = request_id.get(), step_id.get()
    ids = ([f"request={rid}"] if rid else []) + ([f"step={sid}"] if sid else [])
    record.__dict__.update(request_id=rid, step_id=sid, ids=" ".join(ids) or "-")
    return record


def install_ids() -> None:
    """Every log record made from now on carries the current request or step id, whoever
    logs it and whichever handler writes it (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "carries_ids", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _with_ids(factory(*args, **kwargs))

    # The factory wrapped may itself be another module's wrapper (log_redaction): keep its
    # marks, so neither wraps again each time an app is made (the chain would grow
    # without end in a process that makes many apps, as the test suite does).
    make_record.__dict__.update(vars(factory) if hasattr(factory, "__dict__") else {})
    make_record.carries_ids = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the ids, the request's or
    pass's fields, and the exception's type and traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "step_id", *FIELDS):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT = "%(asctime)s %(levelname)s %(name)s %(ids)s: %(message)s"


def configure(log_format: str, level: int = logging.INFO) -> None:
    """Ids on every record; and the root logger's handler (once per process, unless
    something configured it first, as pytest does): JSON with LOG_FORMAT=json, else text."""
    install_ids()
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    formatter = JsonFormatter() if log_format.lower() == "json" else logging.Formatter(TEXT)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(level)
