"""The texts of an ask (review/ask.py): the setting's name, the deadline and a link.

No child's name, date of birth, address or circumstances ever goes in these: the DSL
sees the child's name and date of birth only after signing in.

Made like the alerts' texts, in the recipient's languages (`encompass.language.choice.
message_languages`: ("en",), ("cy",) or ("cy", "en") for bilingual, Welsh first) with
each language's catalogue (a worker has no request, so never flask_babel here). A
bilingual SMS names the setting and gives the link once, so it stays short.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from encompass.alerts.messages import deadline
from encompass.language import catalogue, compose

Languages = tuple[str, ...]


def _languages(languages: Languages | None) -> Languages:
    return tuple(languages) if languages else ("en",)


def ask_sms(
    setting_short_name: str,
    due_by: datetime | None,
    tz: ZoneInfo,
    link: str,
    languages: Languages | None = None,
) -> str:
    first, *others = _languages(languages)
    parts = [
        catalogue(first).gettext(
            "Operation Encompass: please confirm whether a child attends %(setting)s, "
            "before %(due)s."
        )
        % {"setting": setting_short_name, "due": deadline(due_by, tz, first)}
    ]
    parts += [
        catalogue(lang).gettext("Please confirm whether a child attends, before %(due)s.")
        % {"due": deadline(due_by, tz, lang)}
        for lang in others
    ]
    sign_ins = [catalogue(lang).gettext("Sign in") for lang in (first, *others)]
    return compose.sms(parts, sign_ins, link)


def ask_email(
    setting_short_name: str,
    due_by: datetime | None,
    tz: ZoneInfo,
    link: str,
    languages: Languages | None = None,
) -> tuple[str, str]:
    """(subject, body); bilingual: the Welsh then the English, the subject 'Cymraeg /
    English' (short enough for the column)."""
    subjects: list[str] = []
    bodies: list[str] = []
    for lang in _languages(languages):
        t = catalogue(lang)
        values = {
            "setting": setting_short_name,
            "due": deadline(due_by, tz, lang),
            "link": link,
        }
        subjects.append(t.gettext("Operation Encompass: does a child attend %(setting)s?") % values)
        bodies.append(
            t.gettext(
                "Please confirm before %(due)s whether a child on a police notice attends "
                "%(setting)s.\n\n"
                "Sign in to see the child's name and date of birth beside the pupil on your "
                "roll, and answer “our pupil” or “not ours”:\n%(link)s\n\n"
                "If it is your pupil, the notification opens for you at once. If nobody "
                "answers in time, the council's coordinator decides.\n\n"
                "The details are only shown after you sign in, and every view is recorded.\n"
            )
            % values
        )
    return " / ".join(subjects)[:200], "\n\n---\n\n".join(bodies)
