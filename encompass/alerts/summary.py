"""A plain-text record of a notification, for the setting's own safeguarding system.

Key Adults copy it into CPOMS, MyConcern or a paper file: plain lines, no markup, every
time in local time, nothing the Key Adult could not already read on the alert page.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _

from encompass.models import Alert, Child, Notice, Setting


def _when(value: datetime | None, tz: ZoneInfo) -> str:
    if not value:
        return _("not recorded")
    local = value.astimezone(tz)
    day = format_date(local.date(), "d MMMM y", locale=str(get_locale() or "en"))
    return _("%(day)s at %(time)s", day=day, time=local.strftime("%H:%M"))


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def plain_text_summary(
    alert: Alert,
    child: Child,
    notice: Notice,
    setting: Setting,
    *,
    tz: ZoneInfo,
    acknowledged_by: str | None = None,
) -> str:
    """In the reader's language (the page's): the labels and dates; what the police and
    the setting wrote stays as written."""
    born = child.born_text
    levels = {"standard": _("Standard"), "medium": _("Medium"), "high": _("High")}
    roles = {"victim": _("victim"), "suspect": _("suspect"), "other": _("other")}
    adults = [
        f"- {a.get('given_name', '')} {a.get('family_name', '')}: "
        f"{a.get('relationship_to_children', '')} "
        f"({roles.get(a.get('role', ''), a.get('role', ''))})"
        for a in notice.adults
    ]
    officer = notice.officer_name
    if notice.officer_collar_number:
        officer += f" ({notice.officer_collar_number})"
    child_name = f"{child.given_name} {child.family_name}"
    present = _yes_no(child.present) + (f", {child.where}" if child.where else "")
    lines = [
        _("Operation Encompass notification"),
        _("Setting: %(name)s (URN %(urn)s)", name=setting.name, urn=setting.urn),
        _("Police reference: %(reference)s", reference=notice.police_reference),
        _("Child: %(name)s", name=child_name),
        _("Date of birth: %(born)s", born=born),
        _(
            "Incident: %(when)s, %(postcode)s",
            when=_when(notice.occurred_at, tz),
            postcode=notice.location_postcode,
        ),
        _("Risk level (DASH): %(level)s", level=levels.get(notice.risk_level, notice.risk_level)),
        _("Child present: %(answer)s", answer=present),
        _("Child spoken to: %(answer)s", answer=_yes_no(child.spoken_to)),
        _(
            "Voice of the child (police): %(voice)s",
            voice=child.voice_of_child or _("not recorded"),
        ),
        _("Another adult with the child: %(answer)s", answer=_yes_no(child.other_adult_present)),
        _("Circumstances: %(text)s", text=notice.circumstances or _("not recorded")),
        _("Adults involved:"),
        *adults,
        _("Officer: %(officer)s, %(phone)s", officer=officer, phone=notice.officer_contact_phone),
        _("Notification received: %(when)s", when=_when(alert.created_at, tz)),
        _("Support needed by: %(when)s", when=_when(alert.due_by, tz)),
    ]
    if child.holiday_period:
        lines.append(_("The incident happened in a school holiday."))
    if alert.acknowledged_at is not None:
        when = _when(alert.acknowledged_at, tz)
        lines += [
            _("Acknowledged: %(when)s by %(who)s", when=when, who=acknowledged_by)
            if acknowledged_by
            else _("Acknowledged: %(when)s", when=when),
            _("Support planned: %(note)s", note=alert.feedback or ""),
            _(
                "How the child presented at the setting: %(text)s",
                text=alert.child_presentation or _("not recorded"),
            ),
        ]
    else:
        lines.append(_("Not yet acknowledged."))
    return "\n".join(lines) + "\n"
