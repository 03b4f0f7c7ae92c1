"""Field checks shared by the API, the web forms and the imports."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from flask_babel import gettext as _

# The Royal Mail postcode format, including GIR 0AA; any spacing and case accepted.
# Outward code (A9, A99, AA9, AA99, A9A, AA9A), then the inward code: a digit, two letters.
_POSTCODE = re.compile(
    r"^(GIR0AA|(?:[A-PR-UWYZ][0-9][0-9]?|"
    r"[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|"
    r"[A-PR-UWYZ][0-9][A-HJKPSTUW]|"
    r"[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])[0-9][ABD-HJLNP-UW-Z]{2})$"
)
_NAME_PUNCTUATION = set(" '’‘-.")


def normalise_postcode(value: str) -> str:
    """'yo17hh' -> 'YO1 7HH'. Raises ValueError if it is not a UK postcode."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not _POSTCODE.match(compact):
        raise ValueError(_("Enter a real UK postcode, like YO1 7HH"))
    return f"{compact[:-3]} {compact[-3:]}"


def check_person_name(value: str) -> str:
    """Letters in any script, accents, apostrophes, hyphens, spaces; kept exactly as given."""
    value = unicodedata.normalize("NFC", value.strip())
    if not value:
        raise ValueError(_("Enter a name"))
    if len(value) > 100:
        raise ValueError(_("Name must be 100 characters or fewer"))
    for ch in value:
        if ch in _NAME_PUNCTUATION:
            continue
        if unicodedata.category(ch)[0] not in ("L", "M"):
            raise ValueError(_("Name must only include letters, spaces, hyphens and apostrophes"))
    if not any(unicodedata.category(ch).startswith("L") for ch in value):
        raise ValueError(_("Name must include letters"))
    return value


def normalise_phone(value: str) -> str:
    """Any UK or international format -> E.164 ('+441234567890'). Raises ValueError."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise ValueError(_("Enter a phone number, like +441234567890")) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("Enter a valid phone number, like +441234567890"))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


MOBILE_EXAMPLE = "07400 123456"
LANDLINE_EXAMPLE = "0121 234 5678"
_TEXTABLE = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def normalise_mobile(value: str) -> str:
    """A number that can take a text message, in E.164; a landline raises ValueError."""
    e164 = normalise_phone(value)
    if phonenumbers.number_type(phonenumbers.parse(e164)) not in _TEXTABLE:
        raise ValueError(
            _(
                "Enter a mobile number, like %(example)s: alerts are sent by text message",
                example=MOBILE_EXAMPLE,
            )
        )
    return e164


def clean_text(value: str, *, limit: int) -> str:
    """Free text: trimmed, control characters other than newlines and tabs refused."""
    value = value.strip()
    if len(value) > limit:
        raise ValueError(_("Must be %(limit)s characters or fewer", limit=limit))
    for ch in value:
        if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t":
            raise ValueError(_("Must not contain control characters"))
    return value
