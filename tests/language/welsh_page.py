"""Is a page Welsh? The English left in its main content, beyond names and addresses.

Two checks on the text of `<main>` (the header's switch says "English" on purpose):
- no message the catalogue translates appears there in English (a message shown without
  gettext, or a flash or error built from an f-string, shows up here);
- no run of common English words that Welsh never uses ("the", "and", "your", "with"...):
  names and addresses seldom hold them, sentences always do.
"""

from __future__ import annotations

import html as html_module
import re
from functools import lru_cache

from encompass.language.maintain import read

ENGLISH_ONLY_WORDS = {
    "the", "and", "your", "with", "this", "that", "have", "has", "not", "are", "will",
    "been", "from", "when", "what", "who", "which", "there", "their", "they", "you",
    "before", "after", "should", "would", "could", "must", "please", "here", "was",
}  # fmt: skip
MAIN = re.compile(r"<main\b.*?</main>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
SCRIPT = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)


def main_text(page: str) -> str:
    found = MAIN.search(page)
    body = found.group(0) if found else page
    body = SCRIPT.sub(" ", body)
    return " ".join(html_module.unescape(TAG.sub(" ", body)).split())


@lru_cache(maxsize=1)
def _english_messages() -> tuple[str, ...]:
    """English messages of three words or more whose Welsh differs: seeing one on a Welsh
    page means it was shown untranslated."""
    found = []
    for message in read():
        if not message.id or not message.string:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        for english in ids:
            plain = re.sub(r"%\(\w+\)[sd]|\{\w+\}", "\x00", english)
            for piece in plain.split("\x00"):
                piece = " ".join(piece.split())
                if len(piece.split()) >= 3:
                    found.append(piece)
    return tuple(sorted(set(found), key=len, reverse=True))


def english_left(page: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """What reads as English in the page's main content (after taking out `allowed`:
    the names, addresses and references the test put there)."""
    text = main_text(page)
    for name in allowed:
        text = text.replace(name, " ")
    problems = [english for english in _english_messages() if english in text]
    words = re.findall(r"[A-Za-z]+", text)
    run = [w for w in words if w.lower() in ENGLISH_ONLY_WORDS]
    if len(run) >= 2:
        problems.append("English words: " + " ".join(run[:12]))
    return problems
