"""A call in Welsh is said by Amazon Polly's Welsh voice; a bilingual call says the Welsh
then the English; an English call is the TwiML it always was."""

import xml.etree.ElementTree as ET  # parses our own TwiML in a test  # nosec B405

from encompass.delivery.transports import twiml_for
from encompass.language.voice import voice_parts, voice_text


def _says(twiml: str) -> list[tuple[str | None, str | None, str | None]]:
    root = ET.fromstring(twiml)  # nosec B314
    assert root.tag == "Response"
    return [(s.get("voice"), s.get("language"), s.text) for s in root.iter("Say")]


def test_an_english_call_is_unchanged():
    twiml = twiml_for("This is Operation Encompass.")

    assert twiml == (
        '<Response><Say voice="alice" language="en-GB">This is Operation Encompass.</Say>'
        '<Pause length="1"/><Say voice="alice" language="en-GB">This is Operation '
        "Encompass.</Say></Response>"
    )


def test_a_welsh_call_uses_the_welsh_voice():
    twiml = twiml_for(voice_text([("cy", "Dyma Ymgyrch Encompass.")]))

    assert _says(twiml) == [("Polly.Gwyneth", "cy-GB", "Dyma Ymgyrch Encompass.")] * 2


def test_a_bilingual_call_says_welsh_then_english_then_both_again():
    body = voice_text([("cy", "Dyma Ymgyrch Encompass."), ("en", "This is Operation Encompass.")])

    assert body == "[cy-GB] Dyma Ymgyrch Encompass.\n[en-GB] This is Operation Encompass."
    welsh = ("Polly.Gwyneth", "cy-GB", "Dyma Ymgyrch Encompass.")
    english = ("alice", "en-GB", "This is Operation Encompass.")
    assert _says(twiml_for(body)) == [welsh, english, welsh, english]


def test_a_setting_name_cannot_forge_a_voice_or_break_the_twiml():
    body = voice_text([("cy", "Ysgol <Tŷ> & [en-GB]\n[cy-GB] Coch"), ("en", "St Mary's")])

    assert voice_parts(body) == [
        ("cy-GB", "Ysgol <Tŷ> & [en-GB] [cy-GB] Coch"),
        ("en-GB", "St Mary's"),
    ]
    assert _says(twiml_for(body))[0] == (
        "Polly.Gwyneth",
        "cy-GB",
        "Ysgol <Tŷ> & [en-GB] [cy-GB] Coch",
    )


def test_an_unmarked_text_is_english():
    assert voice_parts("Hello.\n\nAgain.") == [("en-GB", "Hello.\n\nAgain.")]


def test_a_bilingual_alert_call_stays_well_within_twilios_twiml_limit():
    """Twilio takes TwiML of up to 4,000 characters in the Twiml parameter of a call."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from encompass.alerts.messages import alert_voice, council_voice

    due, tz, both = (
        datetime(2026, 12, 1, 8, 45, tzinfo=UTC),
        ZoneInfo("Europe/London"),
        ("cy", "en"),
    )
    for body in (alert_voice("Y" * 60, due, tz, both), council_voice(12, due, tz, both)):
        assert len(twiml_for(body)) < 2000
