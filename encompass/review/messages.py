"""The texts review-queue messages carry: a link, never a child's details.

In each coordinator's languages (alerts/recipients.py: their choice, else bilingual from a
Welsh council, Welsh first); English by default.
"""

from __future__ import annotations

from encompass.language import catalogue, compose

Languages = tuple[str, ...]
ENGLISH: Languages = ("en",)


def _langs(languages: Languages | None) -> Languages:
    return tuple(languages) if languages else ENGLISH


def review_sms(link: str, languages: Languages | None = None) -> str:
    languages = _langs(languages)
    return compose.sms(
        [
            catalogue(lang).gettext(
                "Operation Encompass: a child on a police notice needs matching to a school."
            )
            for lang in languages
        ],
        [catalogue(lang).gettext("Sign in to review") for lang in languages],
        link,
    )


def review_email(link: str, languages: Languages | None = None) -> tuple[str, str]:
    subjects, bodies = [], []
    for lang in _langs(languages):
        t = catalogue(lang)
        subjects.append(t.gettext("Operation Encompass: a child is waiting in the review queue"))
        bodies.append(
            t.gettext(
                "The service could not tell for certain which school or setting a child on a "
                "police notice attends. Until someone decides, no Key Adult has been told."
                "\n\n"
                "Sign in to see the candidates and decide:\n%(link)s\n\n"
                "The details are only shown after you sign in, and every view is recorded.\n"
            )
            % {"link": link}
        )
    return compose.email(subjects, bodies)


def escalation_sms(link: str, languages: Languages | None = None) -> str:
    languages = _langs(languages)
    return compose.sms(
        [
            catalogue(lang).gettext(
                "Operation Encompass: a child in the review queue is still undecided and due soon."
            )
            for lang in languages
        ],
        [catalogue(lang).gettext("Sign in to review") for lang in languages],
        link,
    )


def escalation_email(link: str, languages: Languages | None = None) -> tuple[str, str]:
    subjects, bodies = [], []
    for lang in _langs(languages):
        t = catalogue(lang)
        subjects.append(t.gettext("Operation Encompass: an undecided review item needs you"))
        bodies.append(
            t.gettext(
                "Nobody has yet decided which setting a child on a police notice attends, and "
                "the child's Key Adult must be told before the next school day. You are the "
                "coordinator's deputy for this council.\n\n"
                "Sign in to see the candidates and decide:\n%(link)s\n\n"
                "The details are only shown after you sign in, and every view is recorded.\n"
            )
            % {"link": link}
        )
    return compose.email(subjects, bodies)
