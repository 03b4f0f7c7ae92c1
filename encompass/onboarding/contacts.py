"""Import Key Adult contacts: setting_urn,role,name,email,phone[,la_code][,language].

`language` is the language of the contact's messages when they have said: cy, en, Welsh,
English or Cymraeg (any case); blank when not known, which keeps what is already known
(and until then the setting's message language applies).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, select

from encompass.db import utcnow
from encompass.files.csvfile import ImportReport, read_rows
from encompass.models import KeyAdult, Setting
from encompass.models.fields import normalise_mobile, normalise_phone
from encompass.models.people import KEY_ADULT_ROLES
from encompass.onboarding.invitations import InvitationPolicy, invite

TEXTED_FIRST = ("dsl", "deputy", "holiday_cover")
REQUIRED = ("setting_urn", "role", "name", "email", "phone")
LANGUAGES = {"cy": "cy", "welsh": "cy", "cymraeg": "cy", "en": "en", "english": "en"}


def _language(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    found = LANGUAGES.get(value.lower())
    if found is None:
        raise ValueError(
            f"language must be cy, en, Welsh, English or Cymraeg (or blank), not {value!r}"
        )
    return found


def _check(row: dict[str, str], settings: dict[str, Setting]) -> KeyAdult:
    role = row["role"].lower()
    if role not in KEY_ADULT_ROLES:
        raise ValueError(f"role must be one of {', '.join(KEY_ADULT_ROLES)}, not {row['role']!r}")
    if not row["name"]:
        raise ValueError("name is empty")
    try:
        email = validate_email(row["email"], check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"email: {exc}") from None
    # The first people a ladder texts need a number that takes a text; a head or a
    # coordinator may give an office landline (reached by voice when a text fails).
    check_phone = normalise_mobile if role in TEXTED_FIRST else normalise_phone
    phone = check_phone(row["phone"]) if row["phone"] else ""
    if role in ("dsl", "deputy", "head") and not phone:
        raise ValueError(f"a {role} needs a phone number for SMS alerts")
    language = _language(row.get("language") or "")
    adult = KeyAdult(role=role, name=row["name"][:120], email=email, phone=phone, language=language)
    if role in ("coordinator", "coordinator_deputy"):
        if row["setting_urn"]:
            raise ValueError(f"a {role} belongs to a council: leave setting_urn empty")
        la_code = row.get("la_code", "")
        if not la_code:
            raise ValueError(f"a {role} needs la_code")
        if len(la_code) > 10:
            raise ValueError(f"la_code {la_code!r} is not an LA code, like 816")
        adult.la_code = la_code
    else:
        setting = settings.get(row["setting_urn"])
        if setting is None:
            raise ValueError(f"no setting with URN {row['setting_urn']!r}: import GIAS first")
        adult.setting_id = setting.id
        adult.la_code = setting.la_code
    return adult


def import_contacts(
    session: Session,
    path: Path,
    invitations: InvitationPolicy | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Add contacts, or update the one with the same setting (or council), role and email.

    With `invitations`, every contact gets an account (one per e-mail address, across
    settings) and those with no password yet an invitation e-mail, unless one is on its way.
    """
    _, rows = read_rows(path, REQUIRED)
    report = ImportReport()
    settings = {s.urn: s for s in session.exec(select(Setting))}
    existing = {
        (k.setting_id, k.la_code if k.setting_id is None else None, k.role, k.email.lower()): k
        for k in session.exec(select(KeyAdult))
    }
    touched: list[KeyAdult] = []
    for number, row in rows:
        try:
            adult = _check(row, settings)
        except ValueError as exc:
            report.reject(number, str(exc))
            continue
        key = (
            adult.setting_id,
            adult.la_code if adult.setting_id is None else None,
            adult.role,
            adult.email.lower(),
        )
        current = existing.get(key)
        if current is not None:
            if current.phone != adult.phone:
                current.phone_verified_at = None
            current.name, current.phone, current.active = adult.name, adult.phone, True
            if adult.language is not None:
                current.language = adult.language
            session.add(current)
            touched.append(current)
        else:
            session.add(adult)
            existing[key] = adult
            touched.append(adult)
        report.accepted += 1
    if invitations is not None:
        session.flush()
        for adult in {id(a): a for a in touched}.values():
            invite(session, adult, invitations, now=now or utcnow())
    return report
