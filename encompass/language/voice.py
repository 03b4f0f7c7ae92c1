"""The words of a call in one or more languages, kept as one text in a Delivery row.

English alone is stored as it is (every call made before Welsh, and every English one);
otherwise each spoken part is a line of its own, marked with its language:

    [cy-GB] Dyma Ymgyrch Encompass. ...
    [en-GB] This is Operation Encompass. ...

The Twilio transport says each part in its own voice (delivery/transports.py): Welsh with
Amazon Polly's Welsh voice, English with the English one.
"""

from __future__ import annotations

# The language tag each message language is spoken in.
TAGS = {"cy": "cy-GB", "en": "en-GB"}
# Twilio's voice for each: Polly.Gwyneth is Amazon Polly's Welsh (cy-GB) voice.
VOICES = {"cy-GB": "Polly.Gwyneth", "en-GB": "alice"}


def voice_text(parts: list[tuple[str, str]]) -> str:
    """The stored text for (language, words) parts, in the order they are said."""
    if [lang for lang, _ in parts] == ["en"]:
        return parts[0][1]
    # One line each: a part's own line breaks (none in our texts) become spaces.
    return "\n".join(f"[{TAGS[lang]}] {' '.join(words.split())}" for lang, words in parts)


def voice_parts(body: str) -> list[tuple[str, str]]:
    """(language tag, words) for each part of a stored call text; a text that does not
    start with a mark is English, all of it one part."""
    if not any(body.startswith(f"[{tag}] ") for tag in VOICES):
        return [("en-GB", body)] if body.strip() else []
    found = []
    for line in body.splitlines():
        tag, words = "en-GB", line
        if line.startswith("["):
            mark, sep, rest = line[1:].partition("] ")
            if sep and mark in VOICES:
                tag, words = mark, rest
        if words.strip():
            found.append((tag, words))
    return found
