"""A setting's Key Adults as a coordinator keeps them: add, train, remove."""

from __future__ import annotations

from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, col, select

from encompass.models import KeyAdult, Setting
from encompass.models.fields import normalise_mobile
from encompass.models.people import SETTING_ROLES
from encompass.onboarding.errors import OnboardingError
from encompass.records import audit

# Operation Encompass Key Adult training is refreshed every two years in most areas.
TRAINING_VALID_YEARS = 2


class KeyAdultError(OnboardingError):
    """The contact cannot be saved; `field` names the form field the message is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def setting_key_adults(session: Session, setting_id: int) -> list[KeyAdult]:
    order = list(SETTING_ROLES)
    adults = session.exec(
        select(KeyAdult).where(KeyAdult.setting_id == setting_id, col(KeyAdult.active))
    ).all()
    return sorted(adults, key=lambda a: (order.index(a.role) if a.role in order else 9, a.name))


def add_key_adult(
    session: Session,
    setting: Setting,
    *,
    role: str,
    name: str,
    email: str,
    phone: str,
    now: datetime,
    user_id: int | None,
) -> KeyAdult:
    """Add a contact to a setting; the same role and e-mail again updates that contact."""
    if role not in SETTING_ROLES:
        raise KeyAdultError("role", "Select the Key Adult's role")
    name = name.strip()
    if not name:
        raise KeyAdultError("name", "Enter the Key Adult's full name")
    if len(name) > 120:
        raise KeyAdultError("name", "Name must be 120 characters or fewer")
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise KeyAdultError(
            "email", "Enter an email address in the correct format, like name@example.org"
        ) from None
    if phone.strip():
        try:
            phone = normalise_mobile(phone)
        except ValueError as exc:
            raise KeyAdultError("phone", str(exc)) from None
    elif role in ("dsl", "deputy", "head"):
        raise KeyAdultError("phone", "Enter a mobile number: alerts are sent by text message")
    else:
        phone = ""
    adult = session.exec(
        select(KeyAdult).where(
            KeyAdult.setting_id == setting.id,
            KeyAdult.role == role,
            col(KeyAdult.email) == email,
        )
    ).first()
    _refuse_a_second_entry(session, setting, adult, role=role, email=email, phone=phone)
    if adult is None:
        adult = KeyAdult(
            setting_id=setting.id, la_code=setting.la_code, role=role, name=name, email=email
        )
    if adult.phone != phone:
        # A new number has not been verified, and any earlier failure was about the old one.
        adult.phone_verified_at = None
        adult.contact_failed_at = None
        adult.contact_failure = None
    adult.name, adult.phone, adult.active = name, phone, True
    session.add(adult)
    session.flush()
    audit.record(
        session,
        "key_adult.saved",
        user_id=user_id,
        object_type="key_adult",
        object_id=adult.id,
        detail=f"setting {setting.urn}, role {role}",
        at=now,
    )
    return adult


def _refuse_a_second_entry(
    session: Session,
    setting: Setting,
    adult: KeyAdult | None,
    *,
    role: str,
    email: str,
    phone: str,
) -> None:
    """One person, one entry: the same e-mail or mobile under another role is refused (they
    would be alerted twice, and removing one entry would leave the other)."""
    others = session.exec(
        select(KeyAdult).where(KeyAdult.setting_id == setting.id, col(KeyAdult.active))
    ).all()
    for other in others:
        if adult is not None and other.id == adult.id:
            continue
        role_name = SETTING_ROLES.get(other.role, other.role)
        if other.email.lower() == email.lower():
            raise KeyAdultError(
                "email",
                f"{other.name} already has this email address here, as {role_name}: "
                "change or remove that entry instead",
            )
        if phone and other.phone == phone:
            raise KeyAdultError(
                "phone",
                f"{other.name} already has this mobile number here, as {role_name}: "
                "change or remove that entry instead",
            )


def remove_key_adult(session: Session, adult: KeyAdult, *, now: datetime, user_id: int) -> None:
    """Stop alerting a contact. The row stays: past alerts and deliveries refer to it."""
    adult.active = False
    session.add(adult)
    audit.record(
        session, "key_adult.removed", user_id=user_id, object_type="key_adult", object_id=adult.id
    )


def default_expiry(completed_on: date) -> date:
    try:
        return completed_on.replace(year=completed_on.year + TRAINING_VALID_YEARS)
    except ValueError:  # 29 February
        return completed_on.replace(year=completed_on.year + TRAINING_VALID_YEARS, day=28)


def record_training(
    session: Session,
    adult: KeyAdult,
    *,
    completed_on: date,
    expires_on: date | None,
    today: date,
    user_id: int,
) -> KeyAdult:
    if completed_on > today:
        raise KeyAdultError("completed_on", "The date training was completed must be in the past")
    expires_on = expires_on or default_expiry(completed_on)
    if expires_on <= completed_on:
        raise KeyAdultError("expires_on", "The expiry date must be after the date completed")
    adult.training_completed_on = completed_on
    adult.training_expires_on = expires_on
    session.add(adult)
    audit.record(
        session,
        "key_adult.training",
        user_id=user_id,
        object_type="key_adult",
        object_id=adult.id,
        detail=f"completed {completed_on.isoformat()}, expires {expires_on.isoformat()}",
    )
    return adult


def training_expired(adult: KeyAdult, today: date) -> bool:
    """Never trained counts as expired: the council asks for training either way."""
    return adult.training_expires_on is None or adult.training_expires_on < today
