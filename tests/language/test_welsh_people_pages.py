"""The pages a Key Adult (and anyone signing in) sees, in Welsh: sign-in, setting a password
from the invitation (where the language is asked), the account page (where it changes),
the inbox, the alert page and acknowledging."""

from __future__ import annotations

import re

from sqlmodel import select

from encompass.language import catalogue
from encompass.models import Alert, KeyAdult, User
from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    notice_body,
)
from tests.helpers import csrf_token, sign_in
from tests.language.welsh_page import english_left
from tests.onboarding.test_key_adult_accounts import _invitation_links, _school_with_alert

DSL = "helen.carter@school.example.org"
NOTE = "Cwrdd ag Amelia wrth y giât am 8:40."
# What the test's world puts on the pages: names, places and what the police wrote.
NAMES = (
    "St Wilfrid's RC Primary School",
    "Amelia Brown",
    "Sam Brown",
    "PC Jane Doe",
    "said she was scared; quiet, clinging to mother",
    "Verbal argument escalated; neighbours called police.",
    "in the bedroom",
    "mother",
    "12 Low Street",
    "YO1 7HH",
    DSL,
    NOTE,
)


def _welsh(page: str) -> None:
    assert '<html lang="cy"' in page
    assert english_left(page, allowed=NAMES) == []


def _alert(db, client) -> Alert:
    setting = create_setting(db, nation="wales")
    create_key_adult(db, setting, email=DSL)
    create_pupil(db, setting)
    create_user(db, DSL, "dsl", setting_urn=setting.urn)
    _, key = create_force(db)
    response = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    return db.exec(select(Alert)).one()


def test_the_sign_in_page_and_its_errors_are_in_welsh(client, db):
    page = client.get("/login?lang=cy").get_data(as_text=True)
    _welsh(page)
    assert "Mewngofnodi" in page

    wrong = client.post(
        "/login?lang=cy",
        data={"email": "nobody@example.org", "password": "wrong", "csrf_token": csrf_token(page)},
    ).get_data(as_text=True)
    _welsh(wrong)
    assert catalogue("cy").gettext("There is a problem") in wrong
    assert "<title>Gwall: Mewngofnodi – Ymgyrch Encompass</title>" in wrong


def test_the_inbox_alert_and_acknowledgement_are_in_welsh(client, db):
    alert = _alert(db, client)
    sign_in(client, DSL)

    inbox = client.get("/dsl/?lang=cy").get_data(as_text=True)
    _welsh(inbox)
    assert "Hysbysiadau" in inbox and "yn aros i chi ei gydnabod" in inbox

    shown = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    _welsh(shown)
    assert "Cydnabod a chofnodi&#39;r cymorth" in shown or "Cydnabod a chofnodi'r cymorth" in shown

    # An empty note: the error in Welsh; then the acknowledgement goes through.
    missing = client.post(f"/alerts/{alert.id}", data={"note": "", "csrf_token": csrf_token(shown)})
    assert missing.status_code == 400
    _welsh(missing.get_data(as_text=True))
    done = client.post(f"/alerts/{alert.id}", data={"note": NOTE, "csrf_token": csrf_token(shown)})
    assert done.status_code == 302
    after = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    _welsh(after)
    assert "Gall yr heddlu weld y cymorth a gynlluniwyd" in after
    db.expire_all()
    assert db.get(Alert, alert.id).feedback == NOTE

    # The choice made with ?lang=cy stays on the account: no ?lang needed any more.
    assert '<html lang="cy"' in client.get("/dsl/").get_data(as_text=True)
    # And the English page is still there for whoever switches back.
    english = client.get("/dsl/?lang=en").get_data(as_text=True)
    assert '<html lang="en-GB"' in english and "Notifications" in english


def test_the_account_page_is_in_welsh_and_changes_the_language(client, db):
    _alert(db, client)
    sign_in(client, DSL)
    page = client.get("/account?lang=cy").get_data(as_text=True)
    _welsh(page)
    assert "Ym mha iaith ydych chi eisiau Ymgyrch Encompass?" in page
    assert 'lang="cy"' in page.split('id="language-heading"', 1)[1]

    changed = client.post(
        "/account/language", data={"language": "en", "csrf_token": csrf_token(page)}
    )
    assert changed.status_code == 302
    db.expire_all()
    user = db.exec(select(User).where(User.email == DSL)).one()
    assert user.language == "en"
    assert "Your language is saved." in client.get(changed.headers["Location"]).get_data(
        as_text=True
    )


def test_setting_the_password_asks_the_language_and_keeps_it(client, db):
    _school_with_alert(client, db, dsl_email=DSL)
    [token] = _invitation_links(db, DSL)
    url = f"/invitation/{token}?lang=cy"
    page = client.get(url).get_data(as_text=True)
    _welsh(page)
    assert "Ym mha iaith ydych chi eisiau Ymgyrch Encompass?" in page
    # Each language is named in itself; the Welsh label says it is Welsh.
    assert re.search(
        r'<label class="govuk-label govuk-radios__label" lang="cy" for="language">\s*Cymraeg', page
    )

    short = client.post(
        url,
        data={"language": "cy", "password": "short", "confirm": "short"}
        | {"csrf_token": csrf_token(page)},
    )
    assert short.status_code == 400
    _welsh(short.get_data(as_text=True))

    password = "a long new password 42"
    done = client.post(
        url,
        data={"language": "cy", "password": password, "confirm": password}
        | {"csrf_token": csrf_token(page)},
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    db.expire_all()
    user = db.exec(select(User).where(User.email == DSL)).one()
    assert user.language == "cy"
    assert {a.language for a in db.exec(select(KeyAdult).where(KeyAdult.user_id == user.id))} == {
        "cy"
    }


def test_the_error_page_is_in_welsh(client, db):
    page = client.get("/no-such-page?lang=cy")
    assert page.status_code == 404
    assert "Nid yw&#39;r dudalen" in page.get_data(as_text=True) or "Nid yw'r dudalen" in (
        page.get_data(as_text=True)
    )
