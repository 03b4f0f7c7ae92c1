"""The only texts an alert puts in an SMS, e-mail or call: the setting's name, when support
is needed, and a link.

No child's name, date of birth, address or circumstances ever goes in these.

Each text is made in the recipient's languages (`encompass.language.choice.
message_languages`: ("en",), ("cy",) or ("cy", "en") for bilingual, Welsh first) with the
catalogue of each (`encompass.language.catalogue`; a worker has no request, so never
flask_babel here). A bilingual SMS keeps to the setting, the deadline and the link once,
in wording that stays in the GSM alphabet (no ŵ ŷ â ê î ô û in the fixed text), so it
fits in two parts; a bilingual e-mail is the Welsh then the English in one message, its
subject "Cymraeg / English"; a bilingual call says the Welsh then the English, each in
its own voice (encompass/language/voice.py).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from encompass.language import catalogue, compose
from encompass.language.voice import voice_text

Languages = tuple[str, ...]
ENGLISH: Languages = ("en",)


def deadline(due_by: datetime | None, tz: ZoneInfo, locale: str = "en") -> str:
    """'08:45 Tue 1 Dec' ('08:45 Maw 1 Rhag' in Welsh) in the service's time zone (the
    next school day when unknown)."""
    t = catalogue(locale)
    if due_by is None:
        return t.gettext("the start of the next school day")
    local = due_by.astimezone(tz)
    if locale == "en":
        return f"{local:%H:%M} {local:%a} {local.day} {local:%b}"
    return format_datetime(local, "HH:mm EEE d MMM", tzinfo=tz, locale=locale).replace(".", "")


def spoken_deadline(due_by: datetime | None, tz: ZoneInfo, locale: str = "en") -> str:
    t = catalogue(locale)
    if due_by is None:
        return t.gettext("the start of the next school day")
    local = due_by.astimezone(tz)
    if locale == "en":
        return f"{local:%H:%M} on {local:%A} {local.day} {local:%B}"
    return format_datetime(local, "HH:mm, EEEE d MMMM", tzinfo=tz, locale=locale)


def _languages(languages: Languages | None) -> Languages:
    return tuple(languages) if languages else ENGLISH


def _email(subjects: list[str], tails: list[str], bodies: list[str]) -> tuple[str, str]:
    return compose.email(subjects, bodies, tails)


def _new_notification(lang: str, due: str) -> str:
    """The short second sentence of a bilingual SMS (and subject): no setting's name."""
    return catalogue(lang).gettext("New notification, support needed before %(due)s.") % {
        "due": due
    }


def alert_sms(
    setting_short_name: str,
    due_by: datetime | None,
    tz: ZoneInfo,
    link: str,
    languages: Languages | None = None,
) -> str:
    languages = _languages(languages)
    if len(languages) == 1:
        lang = languages[0]
        return catalogue(lang).gettext(
            "Operation Encompass: new notification for %(setting)s, support needed before "
            "%(due)s. Sign in to view: %(link)s"
        ) % {"setting": setting_short_name, "due": deadline(due_by, tz, lang), "link": link}
    # Bilingual: the setting once, the deadline in each language, one link.
    first, *others = languages
    parts = [
        catalogue(first).gettext(
            "Operation Encompass: new notification for %(setting)s, support needed before %(due)s."
        )
        % {"setting": setting_short_name, "due": deadline(due_by, tz, first)}
    ]
    parts += [_new_notification(lang, deadline(due_by, tz, lang)) for lang in others]
    sign_ins = [catalogue(lang).gettext("Sign in to view") for lang in languages]
    return compose.sms(parts, sign_ins, link)


def alert_email(
    setting_short_name: str,
    due_by: datetime | None,
    tz: ZoneInfo,
    link: str,
    languages: Languages | None = None,
) -> tuple[str, str]:
    subjects: list[str] = []
    short: list[str] = []
    bodies: list[str] = []
    for lang in _languages(languages):
        t = catalogue(lang)
        values = {"setting": setting_short_name, "due": deadline(due_by, tz, lang), "link": link}
        subjects.append(
            t.gettext(
                "Operation Encompass: new notification for %(setting)s, support needed "
                "before %(due)s"
            )
            % values
        )
        short.append(_new_notification(lang, values["due"]).rstrip("."))
        bodies.append(
            t.gettext(
                "Support is needed before %(due)s.\n\n"
                "A new Operation Encompass notification is waiting for %(setting)s.\n\n"
                "Sign in to read it and record the support you plan:\n%(link)s\n\n"
                "The link is for you alone. Do not forward this e-mail.\n"
                "The details are only shown after you sign in, and every view is recorded.\n"
            )
            % values
        )
    return _email(subjects, short, bodies)


def reminder_sms(
    setting_short_name: str,
    count: int,
    due_by: datetime | None,
    tz: ZoneInfo,
    link: str,
    languages: Languages | None = None,
) -> str:
    languages = _languages(languages)
    if len(languages) == 1:
        lang = languages[0]
        return catalogue(lang).ngettext(
            "Operation Encompass: %(count)s notification from the holiday not yet "
            "acknowledged for %(setting)s, support needed before %(due)s. "
            "Sign in to view: %(link)s",
            "Operation Encompass: %(count)s notifications from the holiday not yet "
            "acknowledged for %(setting)s, support needed before %(due)s. "
            "Sign in to view: %(link)s",
            count,
        ) % {
            "count": count,
            "setting": setting_short_name,
            "due": deadline(due_by, tz, lang),
            "link": link,
        }
    first, *others = languages
    parts = [
        catalogue(first).ngettext(
            "Operation Encompass: %(count)s notification from the holiday for %(setting)s, "
            "support needed before %(due)s.",
            "Operation Encompass: %(count)s notifications from the holiday for %(setting)s, "
            "support needed before %(due)s.",
            count,
        )
        % {"count": count, "setting": setting_short_name, "due": deadline(due_by, tz, first)}
    ]
    parts += [_from_the_holiday(lang, count, deadline(due_by, tz, lang)) for lang in others]
    sign_ins = [catalogue(lang).gettext("Sign in to view") for lang in languages]
    return compose.sms(parts, sign_ins, link)


def _from_the_holiday(lang: str, count: int, due: str) -> str:
    return catalogue(lang).ngettext(
        "%(count)s notification from the holiday, support needed before %(due)s.",
        "%(count)s notifications from the holiday, support needed before %(due)s.",
        count,
    ) % {"count": count, "due": due}


def reminder_email(
    setting_short_name: str,
    count: int,
    due_by: datetime | None,
    tz: ZoneInfo,
    link: str,
    languages: Languages | None = None,
) -> tuple[str, str]:
    subjects: list[str] = []
    short: list[str] = []
    bodies: list[str] = []
    for lang in _languages(languages):
        t, due = catalogue(lang), deadline(due_by, tz, lang)
        values = {"count": count, "setting": setting_short_name, "due": due, "link": link}
        subject = (
            t.ngettext(
                "Operation Encompass: %(count)s holiday notification waiting for %(setting)s",
                "Operation Encompass: %(count)s holiday notifications waiting for %(setting)s",
                count,
            )
            % values
        )
        subjects.append(subject)
        short.append(_from_the_holiday(lang, count, due).rstrip("."))
        bodies.append(
            t.ngettext(
                "Support is needed before %(due)s.\n\n"
                "%(count)s Operation Encompass notification arrived for %(setting)s while it "
                "was closed and nobody has acknowledged them yet.\n\n"
                "Sign in to read it and record the support you plan:\n%(link)s\n\n"
                "The link is for you alone. Do not forward this e-mail.\n"
                "The details are only shown after you sign in, and every view is recorded.\n",
                "Support is needed before %(due)s.\n\n"
                "%(count)s Operation Encompass notifications arrived for %(setting)s while it "
                "was closed and nobody has acknowledged them yet.\n\n"
                "Sign in to read the first and record the support you plan:\n%(link)s\n\n"
                "The link is for you alone. Do not forward this e-mail.\n"
                "The details are only shown after you sign in, and every view is recorded.\n",
                count,
            )
            % values
        )
    return _email(subjects, short, bodies)


def alert_voice(
    setting_short_name: str,
    due_by: datetime | None,
    tz: ZoneInfo,
    languages: Languages | None = None,
) -> str:
    """Spoken by Twilio. Says nothing about the child; pressing keys does nothing."""
    return voice_text(
        [
            (
                lang,
                catalogue(lang).gettext(
                    "This is Operation Encompass. An urgent notification is waiting for "
                    "%(setting)s. Support is needed before %(due)s. Please sign in to the "
                    "Operation Encompass service to read and acknowledge it. This call cannot "
                    "acknowledge it for you."
                )
                % {"setting": setting_short_name, "due": spoken_deadline(due_by, tz, lang)},
            )
            for lang in _languages(languages)
        ]
    )


def council_sms(
    count: int, due_by: datetime | None, tz: ZoneInfo, link: str, languages: Languages | None = None
) -> str:
    """The council's step for several alerts at once: one text that counts them."""
    languages = _languages(languages)
    if len(languages) == 1:
        lang = languages[0]
        return catalogue(lang).gettext(
            "Operation Encompass: %(count)s notifications need the council: not acknowledged "
            "by their settings, support was needed before %(due)s. Sign in to view: %(link)s"
        ) % {"count": count, "due": deadline(due_by, tz, lang), "link": link}
    first, *others = languages
    parts = [
        catalogue(first).gettext(
            "Operation Encompass: %(count)s notifications need the council, support was "
            "needed before %(due)s."
        )
        % {"count": count, "due": deadline(due_by, tz, first)}
    ]
    parts += [
        catalogue(lang).gettext(
            "%(count)s notifications need the council, support was needed before %(due)s."
        )
        % {"count": count, "due": deadline(due_by, tz, lang)}
        for lang in others
    ]
    sign_ins = [catalogue(lang).gettext("Sign in to view") for lang in languages]
    return compose.sms(parts, sign_ins, link)


def council_email(
    count: int, due_by: datetime | None, tz: ZoneInfo, link: str, languages: Languages | None = None
) -> tuple[str, str]:
    subjects: list[str] = []
    bodies: list[str] = []
    for lang in _languages(languages):
        t = catalogue(lang)
        values = {"count": count, "due": deadline(due_by, tz, lang), "link": link}
        subjects.append(
            t.gettext("Operation Encompass: %(count)s notifications need the council") % values
        )
        bodies.append(
            t.gettext(
                "%(count)s Operation Encompass notifications have reached the council: nobody "
                "at their settings acknowledged them, and support was needed before %(due)s."
                "\n\n"
                "Sign in to see them under Needs attention, with each setting's Key Adults and "
                "their phone numbers:\n%(link)s\n\n"
                "The details are only shown after you sign in, and every view is recorded.\n"
            )
            % values
        )
    return _email(subjects, subjects, bodies)


def council_voice(
    count: int, due_by: datetime | None, tz: ZoneInfo, languages: Languages | None = None
) -> str:
    return voice_text(
        [
            (
                lang,
                catalogue(lang).gettext(
                    "This is Operation Encompass. %(count)s notifications need the council: "
                    "their settings have not acknowledged them, and support was needed before "
                    "%(due)s. Please sign in to the Operation Encompass service and open Needs "
                    "attention."
                )
                % {"count": count, "due": spoken_deadline(due_by, tz, lang)},
            )
            for lang in _languages(languages)
        ]
    )


def follow_up_email(
    setting_short_name: str, link: str, languages: Languages | None = None
) -> tuple[str, str]:
    """The week-on prompt: which setting, and a link; nothing about the child."""
    subjects: list[str] = []
    bodies: list[str] = []
    for lang in _languages(languages):
        t = catalogue(lang)
        values = {"setting": setting_short_name, "link": link}
        subjects.append(
            t.gettext("Operation Encompass: a week on, a notification for %(setting)s") % values
        )
        bodies.append(
            t.gettext(
                "A week ago you acknowledged an Operation Encompass notification for "
                "%(setting)s.\n\n"
                "When you have a moment, please record what has followed: attendance and "
                "behaviour since, the support given, and whether a referral was made. It "
                "becomes part of the child's record for whoever reads the next notification, "
                "and the police are told it was recorded.\n\n"
                "Sign in to record it:\n%(link)s\n\n"
                "The details are only shown after you sign in, and every view is recorded.\n"
            )
            % values
        )
    return _email(subjects, subjects, bodies)
