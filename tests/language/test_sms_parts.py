"""SMS parts, counted as phones and providers count them (GSM 03.38 or UCS-2)."""

from __future__ import annotations

from encompass.language.sms import is_gsm, sms_parts


def test_plain_english_fits_160_then_153_a_part() -> None:
    assert sms_parts("a" * 160) == 1
    assert sms_parts("a" * 161) == 2
    assert sms_parts("a" * 306) == 2
    assert sms_parts("a" * 307) == 3


def test_the_extension_table_takes_two() -> None:
    assert sms_parts("€" * 80) == 1
    assert sms_parts("€" * 81) == 2


def test_a_welsh_circumflex_makes_the_whole_text_unicode() -> None:
    assert not is_gsm("Ysgol Gymraeg Bro Tâf")
    assert is_gsm("Ysgol Gymraeg Bro Taf")
    assert sms_parts("ŵ" + "a" * 69) == 1
    assert sms_parts("ŵ" + "a" * 70) == 2
    assert sms_parts("ŵ" + "a" * 133) == 2
    assert sms_parts("ŵ" + "a" * 134) == 3
