"""What the providers' statuses and error codes mean, in our delivery statuses
(encompass/lifecycles/delivery.py owns the statuses and their moves)."""

from __future__ import annotations

from encompass.lifecycles.delivery import DELIVERED, FAILED, SENT, UNDELIVERED

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
