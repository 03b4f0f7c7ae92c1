"""SQLModel tables by domain. Importing this package registers every table."""

from encompass.models.alerts import Alert, AlertLink, Delivery, FollowUp
from encompass.models.audit import AuditEvent
from encompass.models.calendar import BankHoliday, CalendarEntry
from encompass.models.escalation import EscalationLadder
from encompass.models.notices import Child, Notice, NoticeAmendment
from encompass.models.onboarding import ImportJob, PhoneVerification
from encompass.models.operations import OperationsCounter, WorkerHeartbeat
from encompass.models.people import Invitation, KeyAdult, PoliceForce, User
from encompass.models.review import ReviewAsk, ReviewItem
from encompass.models.roll import MatchWeight, NameFrequency, Pupil
from encompass.models.security import ApiKey, RateCounter, RememberedDevice, UserSession
from encompass.models.settings import Setting

__all__ = [
    "Alert",
    "AlertLink",
    "ApiKey",
    "AuditEvent",
    "BankHoliday",
    "CalendarEntry",
    "Child",
    "Delivery",
    "EscalationLadder",
    "FollowUp",
    "ImportJob",
    "Invitation",
    "KeyAdult",
    "MatchWeight",
    "NameFrequency",
    "Notice",
    "NoticeAmendment",
    "OperationsCounter",
    "PhoneVerification",
    "PoliceForce",
    "RateCounter",
    "RememberedDevice",
    "Pupil",
    "ReviewAsk",
    "ReviewItem",
    "Setting",
    "User",
    "UserSession",
    "WorkerHeartbeat",
]
