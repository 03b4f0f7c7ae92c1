"""A message's statuses, the moves between them, and what the providers' codes mean.

    created -> sending -> sent -> delivered | failed | undelivered
    created | sending -> cancelled          (its alert was acknowledged first)
    sending -> created                      (a temporary failure, retried with backoff;
                                             or stuck in sending, retried once)
    sending -> failed                       (a permanent failure, or out of attempts)

Nothing else in the code spells a status: it names these.
"""

from __future__ import annotations

from typing import Final

CREATED: Final = "created"
SENDING: Final = "sending"
SENT: Final = "sent"
DELIVERED: Final = "delivered"
FAILED: Final = "failed"
UNDELIVERED: Final = "undelivered"
CANCELLED: Final = "cancelled"

STATUSES = (CREATED, SENDING, SENT, DELIVERED, FAILED, UNDELIVERED, CANCELLED)
TRANSITIONS: dict[str, frozenset[str]] = {
    CREATED: frozenset({SENDING, CANCELLED}),
    SENDING: frozenset({SENT, DELIVERED, FAILED, CREATED, CANCELLED}),
    # Twilio's callbacks: a message it took is delivered, or not.
    SENT: frozenset({DELIVERED, FAILED, UNDELIVERED}),
    DELIVERED: frozenset(),
    FAILED: frozenset(),
    UNDELIVERED: frozenset(),
    CANCELLED: frozenset(),
}
# Never left again: a late or repeated callback does not undo one.
FINAL = frozenset(s for s, moves in TRANSITIONS.items() if not moves)
# Failed for good: the same person is tried on the next channel.
FINAL_FAILURES = (FAILED, UNDELIVERED)
# Still on its way, or arrived: someone can be reached through it.
LIVE = (CREATED, SENDING, SENT, DELIVERED)
# Not yet handed to a provider.
WAITING = (CREATED, SENDING)


def can_move(old: str, new: str) -> bool:
    """Whether a message in `old` may become `new`."""
    return new in TRANSITIONS[old]


# Twilio's message and call statuses (status callbacks), as ours. Others are informational.
TWILIO_STATUSES = {
    "sent": SENT,
    "delivered": DELIVERED,
    "undelivered": UNDELIVERED,
    "failed": FAILED,
    "completed": DELIVERED,
    "busy": FAILED,
    "no-answer": FAILED,
    "canceled": FAILED,
}

# Twilio error codes that mean "this recipient cannot be reached this way": never retried,
# and the contact is flagged for the coordinator.
#   21211 invalid 'To' number             21214 'To' number cannot be reached
#   21217 phone number does not appear valid
#   21408 permission to send to this region not enabled
#   21610 the recipient replied STOP      21612 cannot route to this number
#   21614 'To' is not a mobile number
#   30003 unreachable handset             30005 unknown or inactive number
#   30006 landline or unreachable carrier
PERMANENT_TWILIO_CODES = frozenset({21211, 21214, 21408, 21610, 21612, 21614})
BROKEN_CONTACT_CODES = frozenset(
    {str(code) for code in PERMANENT_TWILIO_CODES}
    | {"21217", "30003", "30005", "30006", "smtp-recipient"}
)
# A message that stayed in `sending` past the timeout (see delivery/attempts.py).
SENDING_TIMEOUT = "sending-timeout"
