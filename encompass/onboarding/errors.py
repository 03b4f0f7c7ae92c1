"""The onboarding room's errors: a setting, Key Adult or phone verification refused."""

from __future__ import annotations

from encompass.errors import Refused


class OnboardingError(Refused):
    """A setting, Key Adult or verification was refused; the message says why."""
