"""A message's status: written before it is sent, claimed, sent, and followed.

    created -> sending -> sent -> delivered | failed | undelivered
    created | sending -> cancelled          (its alert was acknowledged or withdrawn first)
    sending -> created                      (a temporary failure, retried with backoff;
                                             or stuck in sending, retried once)
    sending -> failed                       (a permanent failure, out of attempts, or
                                             stuck in sending twice)

`delivered`, `failed`, `undelivered` and `cancelled` are final: a late or repeated
callback, or the answer of a send that hung past the timeout, never undoes one.
"""

from __future__ import annotations

from enum import StrEnum

from encompass.lifecycles import Lifecycle
from encompass.models import Delivery


class DeliveryStatus(StrEnum):
    CREATED = "created"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    UNDELIVERED = "undelivered"
    CANCELLED = "cancelled"


CREATED = DeliveryStatus.CREATED
SENDING = DeliveryStatus.SENDING
SENT = DeliveryStatus.SENT
DELIVERED = DeliveryStatus.DELIVERED
FAILED = DeliveryStatus.FAILED
UNDELIVERED = DeliveryStatus.UNDELIVERED
CANCELLED = DeliveryStatus.CANCELLED

DELIVERY = Lifecycle(
    Delivery,
    "status",
    CREATED,
    {
        CREATED: (SENDING, CANCELLED),
        SENDING: (SENT, DELIVERED, FAILED, CREATED, CANCELLED),
        # Twilio's callbacks: a message it took is delivered, or not.
        SENT: (DELIVERED, FAILED, UNDELIVERED),
        DELIVERED: (),
        FAILED: (),
        UNDELIVERED: (),
        CANCELLED: (),
    },
)
STATUSES = tuple(DeliveryStatus)
# Failed for good: the same person is tried on the next channel.
FINAL_FAILURES = (FAILED, UNDELIVERED)
# Still on its way, or arrived: someone can be reached through it.
LIVE = (CREATED, SENDING, SENT, DELIVERED)
# Not yet handed to a provider.
WAITING = (CREATED, SENDING)
