"""An alert's status, as the police see it on the notice API.

    pending -> sent -> escalated           (its first message went out; a ladder step
    pending -> escalated                    marked it escalated)
    pending | sent | escalated -> acknowledged   (the setting, or the council for it)
    pending | sent | escalated -> withdrawn      (the police corrected the child elsewhere)

`acknowledged` and `withdrawn` are final: an alert withdrawn after it was acknowledged
stays acknowledged (the acknowledgement stands), and one withdrawn is never acknowledged.
"""

from __future__ import annotations

from enum import StrEnum

from encompass.lifecycles import Lifecycle
from encompass.models import Alert


class AlertStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    ESCALATED = "escalated"
    ACKNOWLEDGED = "acknowledged"
    WITHDRAWN = "withdrawn"


_OPEN = (AlertStatus.ACKNOWLEDGED, AlertStatus.WITHDRAWN)
ALERT = Lifecycle(
    Alert,
    "status",
    AlertStatus.PENDING,
    {
        AlertStatus.PENDING: (AlertStatus.SENT, AlertStatus.ESCALATED, *_OPEN),
        AlertStatus.SENT: (AlertStatus.ESCALATED, *_OPEN),
        AlertStatus.ESCALATED: _OPEN,
        AlertStatus.ACKNOWLEDGED: (),
        AlertStatus.WITHDRAWN: (),
    },
)
STATUSES = tuple(AlertStatus)
