"""The notices room's errors: a notice or amendment refused."""

from __future__ import annotations

from encompass.errors import Refused


class NoticeError(Refused):
    """A notice or an amendment was refused; the message says why."""
