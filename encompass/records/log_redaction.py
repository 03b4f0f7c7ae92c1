"""Alert links are keys to a child's notice: a log line keeps only their first characters.

Every log record is rewritten as it is made (a LogRecord factory), whoever logs it: our
code, the outbox transport, Werkzeug's development server, gunicorn's access log. So
"GET /a/Zx81kQ...full token" is logged as "GET /a/Zx81kQ..." (and the same inside a
percent-encoded ?next=%2Fa%2F... after a sign-in redirect).
"""

from __future__ import annotations

import logging
import re
from typing import Any

# /a/<token> and %2Fa%2F<token>: six characters kept, enough to tell links apart.
_LINK = re.compile(r"(/|%2F)a(/|%2F)([A-Za-z0-9_-]{6})[A-Za-z0-9_-]+", re.IGNORECASE)
KEPT = 6


def shorten_links(text: str) -> str:
    """'https://x/a/Zx81kQabcdefgh' -> 'https://x/a/Zx81kQ...'."""
    return _LINK.sub(lambda m: f"{m[1]}a{m[2]}{m[3]}...", text)


def install() -> None:
    """Shorten alert links in every log record from now on (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "shortens_links", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a badly formatted record is logging's to report
            return record
        short = shorten_links(message)
        if short != message:
            record.msg, record.args = short, None
        return record

    # Keep the marks of the factory wrapped (records/log_format.py's), so neither wraps
    # again each time an app is made.
    make_record.__dict__.update(vars(factory) if hasattr(factory, "__dict__") else {})
    make_record.shortens_links = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)
