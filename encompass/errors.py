"""The service's errors: what went wrong, and whether trying again can help.

Every error the service raises on purpose is an `EncompassError`, through one small
hierarchy per room (`AlertError`, `OnboardingError`, `NoticeError`, ...), so a caller can
catch a room's errors together and a worker can ask any of them `retry`:

- `Refused`: the input or the request is wrong (a bad file, a decision already taken, an
  expired link). Trying the same again fails the same way: say why, change the input.
- `Unavailable`: something the service depends on is away (a provider, the network).
  The same request can succeed later: try again with backoff.
A `TransportError` says which it is for each failed send (`permanent`).
"""

from __future__ import annotations


class EncompassError(Exception):
    """An error the service raises on purpose; the message says what went wrong."""

    retry: bool = False


class Refused(EncompassError, ValueError):
    """The input must change before trying again (still a ValueError, as it always was)."""

    retry = False


class Unavailable(EncompassError):
    """Something the service depends on is away: the same can succeed later."""

    retry = True
