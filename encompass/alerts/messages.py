"""The only texts an alert puts in an SMS, e-mail or call: the setting's name, when support
is needed, and a link.

No child's name, date of birth, address or circumstances ever goes in these.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def deadline(due_by: datetime | None, tz: ZoneInfo) -> str:
    """'08:45 Tue 1 Dec' in the service's time zone (the next school day when unknown)."""
    if due_by is None:
        return "the start of the next school day"
    local = due_by.astimezone(tz)
    return f"{local:%H:%M} {local:%a} {local.day} {local:%b}"


def spoken_deadline(due_by: datetime | None, tz: ZoneInfo) -> str:
    if due_by is None:
        return "the start of the next school day"
    local = due_by.astimezone(tz)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B}"


def alert_sms(setting_short_name: str, due: str, link: str) -> str:
    return (
        f"Operation Encompass: new notification for {setting_short_name}, support needed "
        f"before {due}. Sign in to view: {link}"
    )


def alert_email(setting_short_name: str, due: str, link: str) -> tuple[str, str]:
    subject = (
        f"Operation Encompass: new notification for {setting_short_name}, support needed "
        f"before {due}"
    )
    body = (
        f"Support is needed before {due}.\n\n"
        "A new Operation Encompass notification is waiting for "
        f"{setting_short_name}.\n\n"
        f"Sign in to read it and record the support you plan:\n{link}\n\n"
        "The link is for you alone. Do not forward this e-mail.\n"
        "The details are only shown after you sign in, and every view is recorded.\n"
    )
    return subject, body


def reminder_sms(setting_short_name: str, count: int, due: str, link: str) -> str:
    noun = "notification" if count == 1 else "notifications"
    return (
        f"Operation Encompass: {count} {noun} from the holiday not yet acknowledged for "
        f"{setting_short_name}, support needed before {due}. Sign in to view: {link}"
    )


def reminder_email(setting_short_name: str, count: int, due: str, link: str) -> tuple[str, str]:
    noun = "notification" if count == 1 else "notifications"
    subject = f"Operation Encompass: {count} holiday {noun} waiting for {setting_short_name}"
    body = (
        f"Support is needed before {due}.\n\n"
        f"{count} Operation Encompass {noun} arrived for {setting_short_name} while it was "
        "closed and nobody has acknowledged them yet.\n\n"
        f"Sign in to read {'it' if count == 1 else 'the first'} and record the support you "
        f"plan:\n{link}\n\n"
        "The link is for you alone. Do not forward this e-mail.\n"
        "The details are only shown after you sign in, and every view is recorded.\n"
    )
    return subject, body


def alert_voice(setting_short_name: str, spoken_due: str) -> str:
    """Spoken by Twilio. Says nothing about the child; pressing keys does nothing."""
    return (
        "This is Operation Encompass. An urgent notification is waiting for "
        f"{setting_short_name}. Support is needed before {spoken_due}. Please sign in to the "
        "Operation Encompass service to read and acknowledge it. This call cannot "
        "acknowledge it for you."
    )


def council_sms(count: int, due: str, link: str) -> str:
    """The council's step for several alerts at once: one text that counts them."""
    return (
        f"Operation Encompass: {count} notifications need the council: not acknowledged by "
        f"their settings, support was needed before {due}. Sign in to view: {link}"
    )


def council_email(count: int, due: str, link: str) -> tuple[str, str]:
    subject = f"Operation Encompass: {count} notifications need the council"
    body = (
        f"{count} Operation Encompass notifications have reached the council: nobody at "
        f"their settings acknowledged them, and support was needed before {due}.\n\n"
        f"Sign in to see them under Needs attention, with each setting's Key Adults and "
        f"their phone numbers:\n{link}\n\n"
        "The details are only shown after you sign in, and every view is recorded.\n"
    )
    return subject, body


def council_voice(count: int, spoken_due: str) -> str:
    return (
        f"This is Operation Encompass. {count} notifications need the council: their "
        f"settings have not acknowledged them, and support was needed before {spoken_due}. "
        "Please sign in to the Operation Encompass service and open Needs attention."
    )


def follow_up_email(setting_short_name: str, link: str) -> tuple[str, str]:
    """The week-on prompt: which setting, and a link; nothing about the child."""
    subject = f"Operation Encompass: a week on, a notification for {setting_short_name}"
    body = (
        "A week ago you acknowledged an Operation Encompass notification for "
        f"{setting_short_name}.\n\n"
        "When you have a moment, please record what has followed: attendance and "
        "behaviour since, the support given, and whether a referral was made. It becomes "
        "part of the child's record for whoever reads the next notification, and the "
        "police are told it was recorded.\n\n"
        f"Sign in to record it:\n{link}\n\n"
        "The details are only shown after you sign in, and every view is recorded.\n"
    )
    return subject, body
