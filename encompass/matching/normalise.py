"""What the matcher compares: names, postcodes and addresses folded to keys.

- Case, accents and apostrophes fold away: "Siân O'Neill" and "SIAN ONEILL" agree.
- Hyphens and dots are word breaks: "Smith-Jones" is the two words "smith jones".
- Postcodes lose their spacing and case: "yo1  7hh" is "YO17HH".
- Phonetic keys (Metaphone, from `jellyfish`) block similar-sounding names together:
  Smith and Smyth, Aidan and Ayden, Mohammed and Muhammad.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

import jellyfish

from encompass.matching.nicknames import related_names

_APOSTROPHES = re.compile(r"['’‘`´]")
_SEPARATORS = re.compile(r"[\s\-.,]+")
# Words that start a surname without being it: O'Neill, McDonald, van der Berg, de Souza.
PARTICLES = frozenset(
    {"o", "mc", "mac", "de", "da", "di", "del", "della", "van", "von", "der", "den"}
    | {"le", "la", "st", "al", "el", "du", "dos", "das", "ter", "ten"}
)
_ADDRESS_WORDS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "dr": "drive",
    "cl": "close",
    "ct": "court",
    "cres": "crescent",
    "gdns": "gardens",
    "gr": "grove",
    "pl": "place",
    "sq": "square",
    "terr": "terrace",
    "ter": "terrace",
    "wy": "way",
    "pk": "park",
    "hse": "house",
    "apartment": "flat",
    "apt": "flat",
}
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"^\d+[a-z]?$")
_AREA = re.compile(r"[A-Z]{1,2}(?=\d)")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """'Siân O'Neill-Jones' -> 'sian oneill jones'. Cached: the same names come up again
    and again."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _APOSTROPHES.sub("", stripped.casefold())
    return _SEPARATORS.sub(" ", stripped).strip()


def postcode_key(postcode: str | None) -> str:
    """'yo1 7hh' -> 'YO17HH'; empty when there is none."""
    return re.sub(r"\s+", "", postcode or "").upper()


def compact(key: str) -> str:
    """'o neill' -> 'oneill': the spaces some systems put in names and others leave out."""
    return key.replace(" ", "")


def first_name(given_key: str) -> str:
    return given_key.split(" ", 1)[0]


def family_primary(family_key: str) -> str:
    """The word a surname is filed under: 'smith jones' -> 'smith', 'o neill' -> 'oneill',
    'van der berg' -> 'vanderberg'."""
    words = family_key.split()
    if not words:
        return ""
    end = 0
    while end < len(words) - 1 and words[end] in PARTICLES:
        end += 1
    return "".join(words[: end + 1])


@cache
def phonetic(word: str) -> str:
    """Metaphone of one folded word; Mc and Mac sound the same, Thompson and Thomson too."""
    if word.startswith("mc"):
        word = "mac" + word[2:]
    code = jellyfish.metaphone(word).replace("MPS", "MS") if word else ""
    return (code or word.upper())[:12]


def given_block_key(given_key: str) -> str:
    """Blocking key of a given name: its first word, phonetically."""
    return phonetic(first_name(given_key))


def family_block_key(family_key: str) -> str:
    return phonetic(family_primary(family_key))


def search_keys(given_key: str, family_key: str) -> list[str]:
    """Every phonetic key a child's names could be filed under on a roll: each word as it
    is and as its nicknames and short forms, either name in either place (swapped order)."""
    keys: set[str] = set()
    for key in (given_key, family_key):
        for word in key.split():
            keys.add(phonetic(word))
            keys.update(phonetic(other) for other in related_names(word))
        if key:
            keys.add(phonetic(family_primary(key)))
    keys.discard("")
    return sorted(keys)[:48]


def roll_keys(
    given_name: str, family_name: str, postcode: str | None, address: str = ""
) -> dict[str, Any]:
    """The columns a pupil is found by; written by every roll import."""
    given, family = name_key(given_name), name_key(family_name)
    return {
        "address_key": house_key(address, postcode),
        "given_key": given[:100],
        "family_key": family[:100],
        "postcode_key": postcode_key(postcode)[:8],
        "given_phon": given_block_key(given),
        "family_phon": family_block_key(family),
    }


def postcode_sector(key: str) -> str:
    """'YO17HH' -> 'YO17': outward code and the inward digit (a few streets)."""
    return key[:-2] if len(key) >= 5 else key


def postcode_area(key: str) -> str:
    """'YO17HH' -> 'YO': the letters before the district's number (a city and its county)."""
    area = _AREA.match(key)
    return area.group() if area else ""


def postcode_slips(key: str) -> list[str]:
    """Every postcode one typing slip from `key` (a compact postcode): one character
    changed for another, or two next to each other swapped."""
    out = []
    for n, char in enumerate(key):
        for other in _CHARACTERS:
            if other != char:
                out.append(key[:n] + other + key[n + 1 :])
    for n in range(len(key) - 1):
        if key[n] != key[n + 1]:
            out.append(key[:n] + key[n + 1] + key[n] + key[n + 2 :])
    return out


_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def postcode_district(key: str) -> str:
    """'YO17HH' -> 'YO1'."""
    return key[:-3] if len(key) >= 5 else key


@lru_cache(maxsize=65536)
def house_key(address: str | None, postcode: str | None) -> str:
    """The house an address is filed under, for finding a pupil whose postcode and names
    are mistyped: the postcode's area, the house number and the first four letters of the
    street after it. ("Flat 2, 14 Park Road", "YO10 3DD") -> "YO 14 park"; ("21 Bayly P
    lace", "CF29 9AA") -> "CF 21 bayl". Empty without a postcode area, or when the address
    has no number followed by a word."""
    area = postcode_area(postcode_key(postcode))
    if not area:
        return ""
    words = _WORD.findall(name_key(address or ""))
    for number, street in zip(words, words[1:], strict=False):
        if _NUMBER.match(number) and not street[0].isdigit():
            return f"{area} {number} {street[:4]}"[:24]
    return ""


@lru_cache(maxsize=65536)
def house_line(address: str | None) -> tuple[str, str]:
    """(house number, street letters) of an address's first line with a number and a
    street: "Flat 2, 14 Park Rd, York" -> ("14", "parkroad"); ("", "") without one."""
    for part in (address or "").split(","):
        words = [_ADDRESS_WORDS.get(w, w) for w in _WORD.findall(name_key(part))]
        for n, (number, street) in enumerate(zip(words, words[1:], strict=False)):
            if _NUMBER.match(number) and not street[0].isdigit():
                return number, "".join(words[n + 1 :])
    return "", ""


@lru_cache(maxsize=65536)
def address_letters(address: str | None) -> str:
    """The words of an address that are not numbers, abbreviations spelt out, run
    together in order: "135 Quick St reet" -> "quickstreet"."""
    words = (_ADDRESS_WORDS.get(w, w) for w in _WORD.findall(name_key(address or "")))
    return "".join(w for w in words if not _NUMBER.match(w))


@lru_cache(maxsize=65536)
def address_sorted(address: str | None) -> str:
    """The words of an address that are not numbers, abbreviations spelt out, in
    alphabetical order (for comparing streets whatever the order of their parts)."""
    return " ".join(sorted(address_words(address)[1]))


@lru_cache(maxsize=65536)
def address_words(address: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """(house numbers, other words) of an address, abbreviations spelt out."""
    numbers: set[str] = set()
    words: set[str] = set()
    for word in _WORD.findall(name_key(address or "")):
        word = _ADDRESS_WORDS.get(word, word)
        (numbers if _NUMBER.match(word) else words).add(word)
    return frozenset(numbers), frozenset(words)
