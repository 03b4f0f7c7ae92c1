"""The Cymraeg / English switch: on every page, keeps the page, sets <html lang>, is
remembered in a cookie and on a signed-in person's account; Accept-Language before that."""

from __future__ import annotations

import re

from sqlmodel import select

from encompass.models import KeyAdult, User
from tests.factories import create_key_adult, create_setting, create_user
from tests.helpers import sign_in


def _lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found
    return found.group(1)


def _switch(html: str) -> tuple[str, str]:
    found = re.search(
        r'<a class="[^"]*app-language-switch__link" href="([^"]+)"[^>]*>([^<]+)</a>', html
    )
    assert found, "no language switch on the page"
    return found.group(1).replace("&amp;", "&"), found.group(2)


def test_the_sign_in_page_offers_welsh_and_switches_in_place(client) -> None:
    page = client.get("/login?next=/dsl").get_data(as_text=True)
    assert _lang(page) == "en-GB"
    href, label = _switch(page)
    assert label == "Cymraeg"
    assert href.startswith("/login?") and "next=/dsl" in href and "lang=cy" in href
    welsh = client.get(href)
    html = welsh.get_data(as_text=True)
    assert _lang(html) == "cy"
    assert "Ymgyrch Encompass" in html
    assert _switch(html)[1] == "English"
    assert "lang=cy" in welsh.headers.get("Set-Cookie", "")
    # The cookie keeps it: the next page is Welsh without asking again.
    assert _lang(client.get("/login").get_data(as_text=True)) == "cy"


def test_accept_language_decides_before_anyone_chooses(client) -> None:
    page = client.get("/login", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert _lang(page.get_data(as_text=True)) == "cy"
    page = client.get("/login", headers={"Accept-Language": "fr"})
    assert _lang(page.get_data(as_text=True)) == "en-GB"


def test_a_signed_in_person_who_switches_keeps_it_on_their_account(app, client, db) -> None:
    setting = create_setting(db)
    adult = create_key_adult(db, setting)
    user = create_user(db, adult.email, "dsl", setting_urn=setting.urn)
    adult.user_id = user.id
    db.add(adult)
    db.commit()
    sign_in(client, adult.email)
    client.get("/dsl/?lang=cy")
    db.expire_all()
    user = db.exec(select(User).where(User.email == adult.email)).one()
    assert user.language == "cy"
    assert db.get(KeyAdult, adult.id).language == "cy"
    # A new browser (no cookie) opens in Welsh once they sign in.
    other = app.test_client()
    sign_in(other, adult.email)
    assert _lang(other.get("/dsl/").get_data(as_text=True)) == "cy"


def test_an_invalid_language_is_ignored(client) -> None:
    page = client.get("/login?lang=xx")
    assert _lang(page.get_data(as_text=True)) == "en-GB"
    assert "lang=" not in page.headers.get("Set-Cookie", "")
