"""The Cymraeg switch keeps a half-filled control-room form: an officer on a small phone
types the incident and two children (the second added with "Add another child"), switches
to Welsh, finds everything typed still there in the Welsh page, and submits it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlmodel import select

from encompass.models import Child, Notice
from tests.browser.pages import SMALL_PHONE, check_page, sign_in, unfold
from tests.browser.world import POLICE, brown_children_school, fill_incident


def test_the_welsh_switch_keeps_a_half_filled_notice_form(new_page, db):
    brown_children_school(db)
    police = new_page(SMALL_PHONE)
    police.goto("/police/notices/new")
    sign_in(police, POLICE)
    police.goto("/police/notices/new")
    fill_incident(police, datetime.now(ZoneInfo("Europe/London")) - timedelta(hours=2))
    police.fill("#children-0-given_name", "Amelia")
    police.fill("#children-0-family_name", "Brown")
    for part, value in zip(("day", "month", "year"), (3, 4, 2019), strict=True):
        police.fill(f"#children-0-date_of_birth-{part}", str(value))
    police.fill("#children-0-postcode", "YO1 7HH")
    police.fill("#children-0-address", "12 Low Street")
    police.check("#children-0-present")
    unfold(police, "#children-0-more")
    police.fill("#children-0-voice_of_child", "quiet, clinging to mother")
    police.get_by_role("button", name="Add another child").click()
    expect(police.locator("#children-1-given_name")).to_be_focused()
    police.fill("#children-1-given_name", "Oliver")
    police.fill("#children-1-family_name", "Brown")
    police.check("#children-1-same_address")
    # Half-filled: no answers yet for Oliver's date of birth, nor for the adult.

    police.get_by_role("link", name="Cymraeg").click()

    expect(police.locator("html")).to_have_attribute("lang", "cy")
    expect(police.get_by_role("heading", level=1)).to_have_text("Cyflwyno hysbysiad")
    expect(police.locator("[data-row='child']")).to_have_count(2)
    expect(police.locator("#children-1 > legend")).to_have_text("Plentyn 2")
    expect(police.locator("#police_reference")).to_have_value("NY-2026-004211")
    expect(police.locator("#officer_name")).to_have_value("PC Jane Doe")
    expect(police.locator("#risk_level-2")).to_be_checked()
    expect(police.locator("#children-0-given_name")).to_have_value("Amelia")
    expect(police.locator("#children-0-address")).to_have_value("12 Low Street")
    expect(police.locator("#children-0-date_of_birth-year")).to_have_value("2019")
    expect(police.locator("#children-0-present")).to_be_checked()
    expect(police.locator("#children-0-voice_of_child")).to_have_value("quiet, clinging to mother")
    expect(police.locator("#children-1-given_name")).to_have_value("Oliver")
    expect(police.locator("#children-1-same_address")).to_be_checked()
    check_page(police, "82-police-form-welsh-small-phone", phone=True)

    # The rest, in Welsh: a third child added and removed again is numbered in Welsh.
    police.get_by_role("button", name="Ychwanegu plentyn arall").click()
    expect(police.locator("#children-2 > legend")).to_have_text("Plentyn 3")
    police.get_by_role("button", name="Tynnu plentyn 3").click()
    expect(police.locator("[data-row='child']")).to_have_count(2)
    for part, value in zip(("day", "month", "year"), (1, 6, 2021), strict=True):
        police.fill(f"#children-1-date_of_birth-{part}", str(value))
    police.check("#children-0-spoken_to")
    police.check("#children-1-present")
    police.check("#children-1-spoken_to")
    police.fill("#adults-0-given_name", "Sam")
    police.fill("#adults-0-family_name", "Brown")
    police.fill("#adults-0-relationship_to_children", "mam")
    police.check("#adults-0-role")
    police.get_by_role("button", name="Cyflwyno'r hysbysiad", exact=True).click()

    expect(police.get_by_role("heading", level=1)).to_have_text("Hysbysiad NY-2026-004211")
    expect(police.locator("html")).to_have_attribute("lang", "cy")
    check_page(police, "83-police-notice-welsh-small-phone", phone=True)
    db.expire_all()
    assert db.exec(select(Notice)).one().police_reference == "NY-2026-004211"
    children = {c.given_name: c for c in db.exec(select(Child))}
    assert sorted(children) == ["Amelia", "Oliver"]
    assert children["Amelia"].voice_of_child == "quiet, clinging to mother"
    assert children["Oliver"].address == "12 Low Street"
