"""How many parts an SMS takes: GSM 03.38 holds 160 characters in one part (153 in each
of several); one character outside it (Welsh ŵ, ŷ, â, ê, î, ô, û) makes the whole text
UCS-2, 70 in one part and 67 in each of several, as Twilio and GOV.UK Notify count them."""

from __future__ import annotations

# The GSM 03.38 default alphabet, and its extension table (each of those takes two).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text)


def sms_parts(text: str) -> int:
    """The number of messages a phone receives (and a provider charges) for this text."""
    if is_gsm(text):
        units = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        return 1 if units <= 160 else -(-units // 153)
    # UCS-2 counts UTF-16 code units (an emoji takes two).
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)
