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
