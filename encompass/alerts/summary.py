"""A plain-text record of a notification, for the setting's own safeguarding system.

Key Adults copy it into CPOMS, MyConcern or a paper file: plain lines, no markup, every
time in local time, nothing the Key Adult could not already read on the alert page.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from encompass.models import Alert, Child, Notice, Setting


def _when(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%-d %B %Y at %H:%M") if value else "not recorded"


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def plain_text_summary(
    alert: Alert,
    child: Child,
    notice: Notice,
    setting: Setting,
    *,
    tz: ZoneInfo,
    acknowledged_by: str | None = None,
) -> str:
    born = child.born_text
    adults = [
        f"- {a.get('given_name', '')} {a.get('family_name', '')}: "
        f"{a.get('relationship_to_children', '')} ({a.get('role', '')})"
        for a in notice.adults
    ]
    officer = notice.officer_name
    if notice.officer_collar_number:
        officer += f" ({notice.officer_collar_number})"
    lines = [
        "Operation Encompass notification",
        f"Setting: {setting.name} (URN {setting.urn})",
        f"Police reference: {notice.police_reference}",
        f"Child: {child.given_name} {child.family_name}",
        f"Date of birth: {born}",
        f"Incident: {_when(notice.occurred_at, tz)}, {notice.location_postcode}",
        f"Risk level (DASH): {notice.risk_level}",
        f"Child present: {_yes_no(child.present)}" + (f", {child.where}" if child.where else ""),
        f"Child spoken to: {_yes_no(child.spoken_to)}",
        f"Voice of the child (police): {child.voice_of_child or 'not recorded'}",
        f"Another adult with the child: {_yes_no(child.other_adult_present)}",
        f"Circumstances: {notice.circumstances or 'not recorded'}",
        "Adults involved:",
        *adults,
        f"Officer: {officer}, {notice.officer_contact_phone}",
        f"Notification received: {_when(alert.created_at, tz)}",
        f"Support needed by: {_when(alert.due_by, tz)}",
    ]
    if child.holiday_period:
        lines.append("The incident happened in a school holiday.")
    if alert.acknowledged_at is not None:
        by = f" by {acknowledged_by}" if acknowledged_by else ""
        lines += [
            f"Acknowledged: {_when(alert.acknowledged_at, tz)}{by}",
            f"Support planned: {alert.feedback or ''}",
            "How the child presented at the setting: "
            + (alert.child_presentation or "not recorded"),
        ]
    else:
        lines.append("Not yet acknowledged.")
    return "\n".join(lines) + "\n"
