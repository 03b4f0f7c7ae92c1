"""The only texts an alert puts in an SMS or e-mail: the setting's name and a link.

No child's name, date of birth, address or circumstances ever goes in these.
"""

from __future__ import annotations


def alert_sms(setting_short_name: str, link: str) -> str:
    return (
        f"Operation Encompass: new notification for {setting_short_name}. Sign in to view: {link}"
    )


def alert_email(setting_short_name: str, link: str) -> tuple[str, str]:
    subject = f"Operation Encompass: new notification for {setting_short_name}"
    body = (
        "A new Operation Encompass notification is waiting for "
        f"{setting_short_name}.\n\n"
        f"Sign in to read it and record the support you plan:\n{link}\n\n"
        "The link is for you alone. Do not forward this e-mail.\n"
        "The details are only shown after you sign in, and every view is recorded.\n"
    )
    return subject, body


def reminder_sms(setting_short_name: str, count: int, link: str) -> str:
    noun = "notification" if count == 1 else "notifications"
    return (
        f"Operation Encompass: {count} {noun} from the holiday not yet acknowledged for "
        f"{setting_short_name}. Sign in to view: {link}"
    )


def reminder_email(setting_short_name: str, count: int, link: str) -> tuple[str, str]:
    noun = "notification" if count == 1 else "notifications"
    subject = f"Operation Encompass: {count} holiday {noun} waiting for {setting_short_name}"
    body = (
        f"{count} Operation Encompass {noun} arrived for {setting_short_name} while it was "
        "closed and nobody has acknowledged them yet.\n\n"
        f"Sign in to read them and record the support you plan:\n{link}\n\n"
        "The details are only shown after you sign in, and every view is recorded.\n"
    )
    return subject, body


def alert_voice(setting_short_name: str) -> str:
    """Spoken by Twilio. Says nothing about the child; pressing keys does nothing."""
    return (
        "This is Operation Encompass. An urgent notification is waiting for "
        f"{setting_short_name}. Please sign in to the Operation Encompass service to read "
        "and acknowledge it. This call cannot acknowledge it for you."
    )
