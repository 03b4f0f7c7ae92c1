"""The council's step of the ladder: never late, and one message for alerts due together.

When a pass of the worker fires the council step of several alerts at once (the first
morning after a holiday), each coordinator gets one SMS (and e-mail, or call, as the
ladder says) that counts them and links to "Needs attention", instead of one per alert.
A single alert keeps its own message and link. These messages carry the council reason,
which per-recipient rate limits let through (see delivery/attempts.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from encompass.alerts.create import notify
from encompass.alerts.messages import Languages, council_email, council_sms, council_voice
from encompass.alerts.outgoing import AlertLike, Outgoing
from encompass.alerts.recipients import languages_for
from encompass.models import KeyAdult, Setting

# The reason of every message of the council's step: never held by a recipient's limit.
COUNCIL_REASON = "escalation:coordinator"


@dataclass
class _Waiting:
    adult: KeyAdult
    channels: list[str] = field(default_factory=list)
    alerts: list[tuple[AlertLike, Setting]] = field(default_factory=list)
    languages: Languages | None = None


@dataclass
class CouncilStep:
    """The council's step, gathered over a pass for each coordinator and queued at its end."""

    waiting: dict[int, _Waiting] = field(default_factory=dict)

    def add(
        self,
        adult: KeyAdult,
        channels: list[str],
        alert: AlertLike,
        setting: Setting,
        languages: Languages | None = None,
    ) -> None:
        assert adult.id is not None
        entry = self.waiting.setdefault(adult.id, _Waiting(adult, languages=languages))
        entry.channels += [c for c in channels if c not in entry.channels]
        entry.alerts.append((alert, setting))

    def queue(self, out: Outgoing, attention_url: str) -> int:
        """Queue each coordinator's messages; returns how many."""
        queued = 0
        for entry in self.waiting.values():
            if len(entry.alerts) == 1:
                alert, setting = entry.alerts[0]
                queued += notify(
                    out,
                    alert,
                    entry.adult,
                    setting,
                    entry.channels,
                    reason=COUNCIL_REASON,
                    languages=entry.languages,
                )
            else:
                queued += _queue_count(out, entry, attention_url)
        self.waiting.clear()
        return queued


def _queue_count(out: Outgoing, entry: _Waiting, link: str) -> int:
    adult, count = entry.adult, len(entry.alerts)
    dues = [a.due_by for a, _ in entry.alerts if a.due_by is not None]
    earliest = min(dues) if dues else None
    tz = out.policy.tz
    # A coordinator's own choice, else bilingual from a Welsh council (alerts/recipients.py).
    languages = entry.languages or languages_for(adult, None)
    texts = (
        council_sms(count, earliest, tz, link, languages),
        council_voice(count, earliest, tz, languages),
        council_email(count, earliest, tz, link, languages),
    )
    return out.to_person(
        entry.channels,
        phone=adult.phone,
        email=adult.email,
        texts=texts,
        phone_due=out.policy.phone_due_at(out.now, earliest),
        alert_id=None,
        key_adult_id=adult.id,
        reason=COUNCIL_REASON,
    )
