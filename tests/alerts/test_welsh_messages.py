"""The texts of an alert in Welsh, English, or both (Welsh first), and how many SMS parts
they take."""

from datetime import datetime
from zoneinfo import ZoneInfo

from encompass.alerts.messages import (
    alert_email,
    alert_sms,
    alert_voice,
    council_email,
    council_sms,
    deadline,
    follow_up_email,
    reminder_email,
    reminder_sms,
    spoken_deadline,
)
from encompass.language.compose import SUBJECT_MAX
from encompass.language.sms import is_gsm, sms_parts
from encompass.language.voice import voice_parts

LONDON = ZoneInfo("Europe/London")
DUE = datetime(2026, 12, 1, 8, 45, tzinfo=LONDON)
LINK = "https://e.example.org/a/0123456789abcdef"  # 40 characters, as our links are
SCHOOL = "Ysgol Gymraeg Bro Morgannwg"
ACCENTED = "Ysgol Gynradd Gymraeg Tŷ Coch"
BILINGUAL = ("cy", "en")


def test_the_deadline_is_in_welsh_for_welsh():
    assert deadline(DUE, LONDON, "cy") == "08:45 Maw 1 Rhag"
    assert deadline(DUE, LONDON) == "08:45 Tue 1 Dec"
    assert spoken_deadline(DUE, LONDON, "cy") == "08:45, Dydd Mawrth 1 Rhagfyr"
    assert deadline(None, LONDON, "cy") == "dechrau'r diwrnod ysgol nesaf"


def test_english_alone_is_the_english_it_always_was():
    assert alert_sms("St Wilfrid's", DUE, LONDON, LINK) == (
        "Operation Encompass: new notification for St Wilfrid's, support needed before "
        f"08:45 Tue 1 Dec. Sign in to view: {LINK}"
    )
    assert alert_sms("St Wilfrid's", DUE, LONDON, LINK, ("en",)) == alert_sms(
        "St Wilfrid's", DUE, LONDON, LINK
    )
    assert "Ymgyrch" not in alert_email("St Wilfrid's", DUE, LONDON, LINK, ("en",))[1]


def test_welsh_alone_is_welsh():
    sms = alert_sms(SCHOOL, DUE, LONDON, LINK, ("cy",))
    subject, body = alert_email(SCHOOL, DUE, LONDON, LINK, ("cy",))

    assert sms == (
        f"Ymgyrch Encompass: hysbysiad newydd ar gyfer {SCHOOL}, mae angen cymorth cyn "
        f"08:45 Maw 1 Rhag. Mewngofnodwch i'w weld: {LINK}"
    )
    assert subject.startswith("Ymgyrch Encompass: hysbysiad newydd") and "/" not in subject
    assert "Operation Encompass" not in body and "Sign in" not in body


def test_the_bilingual_sms_has_the_setting_the_deadline_and_the_link_once_welsh_first():
    sms = alert_sms(SCHOOL, DUE, LONDON, LINK, BILINGUAL)

    assert sms == (
        f"Ymgyrch Encompass: hysbysiad newydd ar gyfer {SCHOOL}, mae angen cymorth cyn "
        "08:45 Maw 1 Rhag. New notification, support needed before 08:45 Tue 1 Dec. "
        f"Mewngofnodwch i'w weld / Sign in to view: {LINK}"
    )
    assert sms.count(SCHOOL) == 1 and sms.count(LINK) == 1


def test_bilingual_sms_parts():
    """Measured (Welsh first, 40-character link, deadline 08:45 Tue 1 Dec):

    - alert, "Ysgol Gymraeg Bro Morgannwg" (27 characters, GSM-7): 253 characters,
      2 parts (153 each); Welsh alone 178 characters, 2 parts; English alone 167, 2 parts.
    - the same with "Ysgol Gynradd Gymraeg Tŷ Coch" (ŷ makes it UCS-2, 67 a part):
      255 characters, 4 parts; Welsh alone 180, 3 parts.
    - holiday reminder (2 notifications), GSM: 276 characters, 2 parts.
    - the council's count (3 notifications), GSM: 257 characters, 2 parts.
    The fixed Welsh wording has no ŵ ŷ â ê î ô û, so only a name with one goes UCS-2.
    """
    sms = alert_sms(SCHOOL, DUE, LONDON, LINK, BILINGUAL)
    assert is_gsm(sms) and len(sms) == 253 and sms_parts(sms) == 2
    assert sms_parts(alert_sms(SCHOOL, DUE, LONDON, LINK, ("cy",))) == 2

    accented = alert_sms(ACCENTED, DUE, LONDON, LINK, BILINGUAL)
    assert not is_gsm(accented) and len(accented) == 255 and sms_parts(accented) == 4
    assert sms_parts(alert_sms(ACCENTED, DUE, LONDON, LINK, ("cy",))) == 3

    reminder = reminder_sms(SCHOOL, 2, DUE, LONDON, LINK, BILINGUAL)
    assert is_gsm(reminder) and sms_parts(reminder) == 2
    assert reminder.startswith("Ymgyrch Encompass: 2 hysbysiad o'r gwyliau")

    council = council_sms(3, DUE, LONDON, LINK, BILINGUAL)
    assert is_gsm(council) and sms_parts(council) == 2
    assert council.startswith("Ymgyrch Encompass: mae 3 hysbysiad angen sylw'r cyngor")


def test_the_fixed_welsh_wording_stays_in_the_gsm_alphabet():
    for languages in (("cy",), BILINGUAL):
        for text in (
            alert_sms("X", DUE, LONDON, LINK, languages),
            alert_sms("X", None, LONDON, LINK, languages),
            reminder_sms("X", 1, DUE, LONDON, LINK, languages),
            reminder_sms("X", 4, DUE, LONDON, LINK, languages),
            council_sms(2, DUE, LONDON, LINK, languages),
        ):
            assert is_gsm(text), text


def test_the_bilingual_email_is_welsh_then_english_subject_on_one_line():
    subject, body = alert_email(SCHOOL, DUE, LONDON, LINK, BILINGUAL)

    welsh, english = subject.split(" / ")
    assert welsh == (
        f"Ymgyrch Encompass: hysbysiad newydd ar gyfer {SCHOOL}, mae angen cymorth cyn "
        "08:45 Maw 1 Rhag"
    )
    assert english == "New notification, support needed before 08:45 Tue 1 Dec"
    assert "\n" not in subject and len(subject) <= SUBJECT_MAX
    assert body.index("Mae angen cymorth cyn 08:45 Maw 1 Rhag.") < body.index(
        "Support is needed before 08:45 Tue 1 Dec."
    )
    assert body.count(LINK) == 2


def test_short_bilingual_subjects_are_whole_in_both_languages():
    subject, _ = council_email(3, DUE, LONDON, LINK, BILINGUAL)
    assert subject == (
        "Ymgyrch Encompass: mae 3 hysbysiad angen sylw'r cyngor / "
        "Operation Encompass: 3 notifications need the council"
    )
    subject, _ = reminder_email("St Teilo's", 2, DUE, LONDON, LINK, BILINGUAL)
    assert subject == (
        "Ymgyrch Encompass: 2 hysbysiad gwyliau yn aros am St Teilo's / "
        "Operation Encompass: 2 holiday notifications waiting for St Teilo's"
    )


def test_a_subject_never_outgrows_its_column():
    long_name = "Ysgol " + "Gymraeg " * 7  # 62 characters
    for subject, _ in (
        alert_email(long_name[:60], DUE, LONDON, LINK, BILINGUAL),
        follow_up_email(long_name[:60], LINK, BILINGUAL),
    ):
        assert len(subject) <= SUBJECT_MAX, subject


def test_the_follow_up_prompt_in_welsh():
    subject, body = follow_up_email(SCHOOL, LINK, ("cy",))
    assert subject == f"Ymgyrch Encompass: wythnos yn ddiweddarach, hysbysiad ar gyfer {SCHOOL}"
    assert LINK in body and "Operation Encompass" not in body


def test_a_bilingual_call_says_welsh_then_english():
    text = alert_voice(SCHOOL, DUE, LONDON, BILINGUAL)

    (welsh_tag, welsh), (english_tag, english) = voice_parts(text)
    assert welsh_tag == "cy-GB" and welsh.startswith("Dyma Ymgyrch Encompass.")
    assert "08:45, Dydd Mawrth 1 Rhagfyr" in welsh
    assert english_tag == "en-GB" and english.startswith("This is Operation Encompass.")
    assert alert_voice(SCHOOL, DUE, LONDON).startswith("This is Operation Encompass.")
