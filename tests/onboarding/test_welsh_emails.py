"""Invitations, password resets and review-queue messages in the recipient's languages:
bilingual (Welsh first) at a Welsh setting or council, Welsh or English when chosen,
English in England."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from encompass.models import Delivery
from encompass.onboarding.invitations import InvitationPolicy, invitation_email, invite, lasting
from encompass.onboarding.password_resets import send_reset
from encompass.review.messages import escalation_email, review_email, review_sms
from tests.factories import create_key_adult, create_setting, create_user

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
LINK = "https://e.example.org/review/1"


def _mail(db, reason):
    db.expire_all()
    return db.exec(select(Delivery).where(Delivery.reason == reason)).one()


def test_how_long_a_link_works_in_welsh():
    assert lasting(timedelta(hours=168), "cy") == "7 diwrnod"
    assert lasting(timedelta(hours=48), "cy") == "2 ddiwrnod"
    assert lasting(timedelta(hours=48), "cy", in_days=False) == "48 awr"
    assert lasting(timedelta(minutes=30), "cy") == "30 munud"
    assert lasting(timedelta(hours=168), "en") == "7 days"
    assert lasting(timedelta(minutes=60), "en", in_days=False) == "60 minutes"


def test_the_invitation_in_english_is_unchanged():
    subject, body = invitation_email("St Wilfrid's", LINK, timedelta(hours=72))
    assert subject == "Operation Encompass: set your password"
    assert body.startswith("You have been added as a Key Adult for St Wilfrid's in Operation")
    assert "(the link works once, for 3 days)" in body


def test_a_key_adult_at_a_welsh_school_is_invited_in_welsh_then_english(app, db):
    setting = create_setting(db, name="Ysgol y Castell", la_code="673", nation="wales")
    adult = create_key_adult(db, setting, "dsl", "Siân Jones")

    assert invite(db, adult, InvitationPolicy.from_config(app.config), now=NOW)

    mail = _mail(db, "invitation")
    assert mail.subject == (
        "Ymgyrch Encompass: gosodwch eich cyfrinair / Operation Encompass: set your password"
    )
    assert mail.body.startswith(
        "Rydych wedi cael eich ychwanegu fel Oedolyn Allweddol ar gyfer Ysgol y Castell yn "
        "Ymgyrch Encompass"
    )
    assert mail.body.index("o gam-drin domestig") < mail.body.index("You have been added")
    assert mail.body.count("http://localhost/invitation/") == 2


def test_a_welsh_councils_coordinator_is_invited_bilingually(app, db):
    adult = create_key_adult(db, None, "coordinator", "Claire Booth", la_code="673")

    assert invite(db, adult, InvitationPolicy.from_config(app.config), now=NOW)

    body = _mail(db, "invitation").body
    assert "ar gyfer y cyngor (ALl 673) yn Ymgyrch Encompass" in body
    assert "for the council (LA 673) in Operation Encompass" in body


def test_a_key_adult_who_chose_english_is_invited_in_english(app, db):
    setting = create_setting(db, name="Ysgol y Castell", la_code="673", nation="wales")
    adult = create_key_adult(db, setting, "dsl", "Siân Jones")
    adult.language = "en"
    db.add(adult)
    db.commit()

    invite(db, adult, InvitationPolicy.from_config(app.config), now=NOW)

    assert _mail(db, "invitation").subject == "Operation Encompass: set your password"


def test_a_password_reset_follows_the_account_and_its_setting(app, db):
    policy = InvitationPolicy.from_config(app.config)
    create_setting(db, urn="401234", name="Ysgol y Castell", la_code="673", nation="wales")
    welsh_school = create_user(db, "siân@ysgol.example.org", "dsl", setting_urn="401234")
    create_setting(db)
    english_school = create_user(db, "helen@school.example.org", "dsl", setting_urn="121212")
    chose_welsh = create_user(db, "eleri@school.example.org", "dsl", setting_urn="121212")
    chose_welsh.language = "cy"
    db.add(chose_welsh)
    db.commit()

    subjects = {}
    for user in (welsh_school, english_school, chose_welsh):
        assert send_reset(db, user, policy, now=NOW)
        mail = db.exec(select(Delivery).where(Delivery.to_address == user.email)).one()
        subjects[user.email] = mail.subject

    assert subjects == {
        "siân@ysgol.example.org": "Ymgyrch Encompass: dewiswch gyfrinair newydd / "
        "Operation Encompass: choose a new password",
        "helen@school.example.org": "Operation Encompass: choose a new password",
        "eleri@school.example.org": "Ymgyrch Encompass: dewiswch gyfrinair newydd",
    }


def test_review_messages_in_welsh_and_english():
    assert review_sms(LINK) == (
        "Operation Encompass: a child on a police notice needs matching to a school. "
        f"Sign in to review: {LINK}"
    )
    assert review_sms(LINK, ("cy", "en")) == (
        "Ymgyrch Encompass: mae angen paru plentyn ar hysbysiad gan yr heddlu ag ysgol. "
        "Operation Encompass: a child on a police notice needs matching to a school. "
        f"Mewngofnodwch i adolygu / Sign in to review: {LINK}"
    )
    subject, body = review_email(LINK, ("cy", "en"))
    assert subject == (
        "Ymgyrch Encompass: mae plentyn yn aros yn y ciw adolygu / "
        "Operation Encompass: a child is waiting in the review queue"
    )
    assert body.index("Mewngofnodwch i weld yr ymgeiswyr") < body.index("Sign in to see the")
    assert escalation_email(LINK, ("cy",))[0] == (
        "Ymgyrch Encompass: mae angen i chi benderfynu ar eitem yn y ciw adolygu"
    )


def test_the_phone_verification_code_in_welsh_and_english():
    from encompass.language.sms import is_gsm, sms_parts
    from encompass.onboarding.phone_verification import sms_text

    assert sms_text("123456") == (
        "Operation Encompass: your phone verification code is 123456. It expires in 10 minutes."
    )
    both = sms_text("123456", ("cy", "en"))
    assert both == (
        "Ymgyrch Encompass: eich cod i ddilysu eich rhif yw 123456. Daw i ben ymhen 10 munud. "
        "Operation Encompass: your phone verification code is 123456. It expires in 10 minutes."
    )
    # 171 characters, GSM-7: two parts.
    assert is_gsm(both) and sms_parts(both) == 2
