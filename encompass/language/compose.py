"""Putting one message together in several languages, first language first.

Each language's text is whole sentences from its catalogue; these only put them side by
side: an SMS's sentences then its sign-in words in each language and the one link, an
e-mail's subjects on one line ("Cymraeg / English") and its bodies one after the other.
"""

from __future__ import annotations

# The longest subject a Delivery row holds (models/alerts.py).
SUBJECT_MAX = 200
# Between the languages of one e-mail.
EMAIL_DIVIDER = "\n\n" + "-" * 40 + "\n\n"


def sms(sentences: list[str], sign_ins: list[str], link: str) -> str:
    """'Welsh sentence. English sentence. Mewngofnodwch / Sign in: link'."""
    return " ".join(sentences + [" / ".join(sign_ins) + f": {link}"])


def subject(subjects: list[str], tails: list[str] | None = None) -> str:
    """One line, "Cymraeg / English": each language's whole subject when they fit, else
    the first language's whole and the others' short `tails`; never longer than the
    column."""
    line = " / ".join(subjects)
    if len(line) > SUBJECT_MAX and tails:
        line = " / ".join(subjects[:1] + tails[1:])
    return line if len(line) <= SUBJECT_MAX else line[: SUBJECT_MAX - 1] + "…"


def email(
    subjects: list[str], bodies: list[str], tails: list[str] | None = None
) -> tuple[str, str]:
    return subject(subjects, tails), EMAIL_DIVIDER.join(bodies)
