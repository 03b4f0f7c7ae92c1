"""Create an alert for a child's setting and fire the steps of its escalation ladder.

Holiday routing: when the setting's next school day is more than a day away, the
setting's holiday cover (else the council coordinator) is alerted at once as well, and
the DSL is reminded on the first morning back (see alerts/reminders.py).

Links and messages are gathered in an Outgoing and written together; the people to tell
come from alerts/recipients.py, read once for every alert of a request or a worker's pass.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlmodel import Session

from encompass.alerts.identity import join_stories
from encompass.alerts.ladder import ladder_for, step_time
from encompass.alerts.messages import Languages, alert_email, alert_sms, alert_voice
from encompass.alerts.outgoing import AlertLike, Outgoing
from encompass.alerts.policy import AlertPolicy
from encompass.alerts.recipients import Recipients, languages_for
from encompass.models import Alert, Child, KeyAdult, Setting
from encompass.models.escalation import LadderStep


class GathersCouncil(Protocol):
    """Where the council's step is gathered for several alerts (alerts/council.CouncilStep),
    to be queued once for them all."""

    def add(
        self,
        adult: KeyAdult,
        channels: list[str],
        alert: AlertLike,
        setting: Setting,
        languages: Languages | None = None,
    ) -> None: ...


def notify(
    out: Outgoing,
    alert: AlertLike,
    adult: KeyAdult,
    setting: Setting,
    channels: list[str],
    *,
    reason: str,
    fallback_of: int | None = None,
    languages: Languages | None = None,
) -> int:
    """Queue this alert to one person on these channels, in their languages (from
    alerts/recipients.py: `Recipients.languages` or `languages_of`; without them, their
    own choice or their setting's); returns messages queued."""
    assert alert.id is not None and adult.id is not None
    link = out.link(alert.id, adult.id, alert.due_by) if {"sms", "email"} & set(channels) else ""
    languages = languages or languages_for(adult, setting)
    tz, name = out.policy.tz, setting.short_name
    texts = (
        alert_sms(name, alert.due_by, tz, link, languages),
        alert_voice(name, alert.due_by, tz, languages),
        alert_email(name, alert.due_by, tz, link, languages),
    )
    return out.to_person(
        channels,
        phone=adult.phone,
        email=adult.email,
        texts=texts,
        phone_due=out.policy.phone_due_at(out.now, alert.due_by),
        alert_id=alert.id,
        key_adult_id=adult.id,
        reason=reason,
        fallback_of=fallback_of,
    )


def fire_step(
    recipients: Recipients,
    out: Outgoing,
    alert: AlertLike,
    setting: Setting,
    step: LadderStep,
    *,
    reason: str | None = None,
    council: GathersCouncil | None = None,
) -> int:
    """Queue one ladder step's messages; returns how many were queued (or, for the council
    when `council` gathers its step for several alerts, left with it to queue)."""
    queued = 0
    for entry in step["notify"]:
        for adult in recipients.in_role(setting, entry["role"]):
            if council is not None and entry["role"] == "coordinator":
                council.add(
                    adult, entry["channels"], alert, setting, recipients.languages(adult, setting)
                )
                queued += 1
                continue
            queued += notify(
                out,
                alert,
                adult,
                setting,
                entry["channels"],
                reason=reason or f"escalation:{step['name']}",
                languages=recipients.languages(adult, setting),
            )
    return queued


def _new_alert(
    child: Child, setting: Setting, now: datetime, ladder: list[LadderStep], policy: AlertPolicy
) -> Alert:
    assert child.id is not None and setting.id is not None
    alert = Alert(
        child_id=child.id,
        setting_id=setting.id,
        due_by=child.due_by,
        created_at=now,
        ladder=ladder,
        step_index=1,
    )
    if len(ladder) > 1:
        alert.next_step_at = step_time(ladder[1], created_at=now, due_by=child.due_by)
    if child.due_by is not None and child.due_by - now > policy.holiday_threshold:
        alert.holiday_routed = True
        alert.reminder_due_at = max(now, child.due_by - policy.reminder_lead)
    return alert


def _first_step(recipients: Recipients, out: Outgoing, alert: Alert, setting: Setting) -> None:
    if fire_step(recipients, out, alert, setting, alert.ladder[0], reason="alert") == 0:
        # Nobody at the setting to tell: the council hears at once, never silence.
        for adult in recipients.coordinators(setting.la_code):
            notify(
                out,
                alert,
                adult,
                setting,
                ["sms", "email"],
                reason="no_key_adult",
                languages=recipients.languages(adult, setting),
            )
    if alert.holiday_routed:
        for adult in recipients.holiday_cover(setting):
            notify(
                out,
                alert,
                adult,
                setting,
                ["sms", "email"],
                reason="holiday_cover",
                languages=recipients.languages(adult, setting),
            )


def create_alerts(
    session: Session,
    children: list[tuple[Child, Setting]],
    *,
    now: datetime,
    policy: AlertPolicy,
    recipients: Recipients | None = None,
    ladders: dict[int | None, list[LadderStep]] | None = None,
    out: Outgoing | None = None,
) -> list[Alert]:
    """An alert for each (child, setting), with its first step queued; the alerts are
    inserted together. With `out` given, their links and messages are left there for the
    caller to write (with other work of the same transaction); otherwise written here.
    `recipients` and `ladders` (by setting id) may be read beforehand."""
    recipients = recipients or Recipients(session).load(setting for _, setting in children)
    gathered = out or Outgoing(now, policy)
    ladders = ladders or {}
    alerts = [
        _new_alert(
            child, setting, now, ladders.get(setting.id) or ladder_for(session, setting), policy
        )
        for child, setting in children
    ]
    session.add_all(alerts)
    session.flush()
    join_stories(session, [child for child, _ in children])
    for alert, (_, setting) in zip(alerts, children, strict=True):
        _first_step(recipients, gathered, alert, setting)
    if out is None:
        gathered.write(session)
    return alerts


def create_alert(
    session: Session, child: Child, setting: Setting, *, now: datetime, policy: AlertPolicy
) -> Alert:
    return create_alerts(session, [(child, setting)], now=now, policy=policy)[0]
