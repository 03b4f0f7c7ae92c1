"""SQLModel tables by domain. Importing this package registers every table."""

from encompass.models.alerts import Alert, AlertLink, Delivery
from encompass.models.audit import AuditEvent
from encompass.models.calendar import CalendarEntry
from encompass.models.escalation import EscalationLadder
from encompass.models.notices import Child, Notice
from encompass.models.people import KeyAdult, PoliceForce, User
from encompass.models.roll import Pupil
from encompass.models.settings import Setting

__all__ = [
    "Alert",
    "AlertLink",
    "AuditEvent",
    "CalendarEntry",
    "Child",
    "Delivery",
    "EscalationLadder",
    "KeyAdult",
    "Notice",
    "PoliceForce",
    "Pupil",
    "Setting",
    "User",
]
