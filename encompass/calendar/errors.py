"""The calendar room's errors: term dates, closures or bank holidays that cannot be used."""

from __future__ import annotations

from encompass.errors import Refused


class CalendarError(Refused):
    """Calendar data that cannot be used; the message says which and why."""
