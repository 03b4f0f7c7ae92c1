"""The alerts room's errors: an acknowledgement, follow-up, link, ladder or council action
refused (the input or the alert's state must change; never worth retrying as it is)."""

from __future__ import annotations

from encompass.errors import Refused


class AlertError(Refused):
    """Something asked of an alert was refused; the message says why."""
