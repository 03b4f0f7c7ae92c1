"""The control room's notice form is short: two children and one adult take under 2,500
pixels at a desk, optional parts folded; "Add another child" adds the boxes in place with
scripts on (no reload, the page stays where it was) and through the server without them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlmodel import select

from encompass.models import Child
from tests.browser.pages import DESKTOP, SMALL_PHONE, check_page, sign_in, unfold
from tests.browser.world import POLICE, brown_children_school, fill_incident

MAX_HEIGHT = 2500


def _incident(page) -> None:
    fill_incident(page, datetime.now(ZoneInfo("Europe/London")) - timedelta(hours=2))


def _child(page, n: int, given: str, born: tuple[int, int, int], *, first: bool) -> None:
    """A child's answers, and what the child said (in the folded part)."""
    page.fill(f"#children-{n}-given_name", given)
    page.fill(f"#children-{n}-family_name", "Brown")
    for part, value in zip(("day", "month", "year"), born, strict=True):
        page.fill(f"#children-{n}-date_of_birth-{part}", str(value))
    if first:
        page.fill(f"#children-{n}-postcode", "YO1 7HH")
        page.fill(f"#children-{n}-address", "12 Low Street")
    else:
        page.check(f"#children-{n}-same_address")
    page.check(f"#children-{n}-present")
    page.check(f"#children-{n}-spoken_to")
    unfold(page, f"#children-{n}-more")
    page.fill(f"#children-{n}-voice_of_child", "quiet, clinging to mother")


def _adult(page) -> None:
    page.fill("#adults-0-given_name", "Sam")
    page.fill("#adults-0-family_name", "Brown")
    page.fill("#adults-0-relationship_to_children", "mother")
    page.check("#adults-0-role")


def _height(page) -> int:
    return page.evaluate("() => document.documentElement.scrollHeight")


def _fold(page) -> None:
    """Fold the optional parts again (filled in, they open), to measure the page as it is
    for two children and one adult."""
    page.locator("details").evaluate_all("all => all.forEach(d => { d.open = false; })")


def _submitted(page, db) -> list[str]:
    page.get_by_role("button", name="Submit notice", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notice NY-2026-004211")
    db.expire_all()
    return sorted(c.given_name for c in db.exec(select(Child)))


def test_two_children_and_an_adult_fit_under_2500_pixels_added_in_place(new_page, db):
    brown_children_school(db)
    police = new_page(DESKTOP)
    police.goto("/police/notices/new")
    sign_in(police, POLICE)
    police.goto("/police/notices/new")
    _incident(police)
    # What is optional is folded until it is needed.
    expect(police.locator("#children-0-voice_of_child")).to_be_hidden()
    _child(police, 0, "Amelia", (3, 4, 2019), first=True)

    # Added in place: no new page (the marker survives), scrolled where it was, child 2's
    # first box focused and numbered.
    police.evaluate("() => { window.stillHere = true; }")
    add = police.get_by_role("button", name="Add another child")
    add.scroll_into_view_if_needed()
    scrolled = police.evaluate("() => window.scrollY")
    add.click()
    expect(police.locator("#children-1-given_name")).to_be_focused()
    assert police.evaluate("() => window.stillHere === true")
    assert police.evaluate("() => window.scrollY") >= scrolled > 0
    expect(police.locator("#children-1 > legend")).to_have_text("Child 2")
    expect(police).to_have_url(re.compile(r"/police/notices/new$"))
    _child(police, 1, "Oliver", (1, 6, 2021), first=False)
    expect(police.locator("#children-1-postcode")).to_have_value("YO1 7HH")
    _adult(police)
    print(f"form height, what the child said filled in: {_height(police)}px")

    # As the page is for two children and one adult, what is optional folded.
    _fold(police)
    height = _height(police)
    print(f"form height, optional parts folded: {height}px")
    assert height < MAX_HEIGHT, f"the form is {height}px tall for two children and one adult"
    unfold(police, "#children-0-more")
    police.fill("#children-0-where", "in the bedroom")
    check_page(police, "80-police-form-two-children-desktop")

    # A third child added and removed again in place: renumbered, nothing sent.
    add.click()
    expect(police.locator("#children-2 > legend")).to_have_text("Child 3")
    police.get_by_role("button", name="Remove child 3").click()
    expect(police.locator("[data-row='child']")).to_have_count(2)
    police.get_by_role("button", name="Remove child 2").click()
    expect(police.locator("[data-row='child']")).to_have_count(1)
    expect(police.get_by_role("button", name=re.compile("Remove child"))).to_be_hidden()
    add.click()  # a new row's names never reuse a removed one's
    expect(police.locator("#children-3 > legend")).to_have_text("Child 2")
    _child(police, 3, "Oliver", (1, 6, 2021), first=False)
    assert police.evaluate("() => window.stillHere === true")

    assert _submitted(police, db) == ["Amelia", "Oliver"]
    where = db.exec(select(Child).where(Child.given_name == "Amelia")).one().where
    assert where == "in the bedroom"


def test_the_form_works_the_same_without_javascript_and_on_a_phone(new_page, db):
    brown_children_school(db)
    police = new_page(DESKTOP, java_script_enabled=False)
    police.goto("/police/notices/new")
    sign_in(police, POLICE)
    police.goto("/police/notices/new")
    _incident(police)
    _child(police, 0, "Amelia", (3, 4, 2019), first=True)
    _adult(police)
    police.get_by_role("button", name="Add another child").click()
    # The server brings the page back at child 2, with what was typed kept.
    expect(police).to_have_url(re.compile(r"/police/notices/new#children-1-given_name$"))
    expect(police.locator("#children-0-given_name")).to_have_value("Amelia")
    _child(police, 1, "Oliver", (1, 6, 2021), first=False)
    _fold(police)
    height = _height(police)
    print(f"form height without scripts, optional parts folded: {height}px")
    assert height < MAX_HEIGHT, f"the form is {height}px tall without scripts"
    assert _submitted(police, db) == ["Amelia", "Oliver"]

    phone = new_page(SMALL_PHONE)
    phone.goto("/police/notices/new")
    sign_in(phone, POLICE)
    phone.goto("/police/notices/new")
    phone.get_by_role("button", name="Add another child").click()
    expect(phone.locator("#children-1-given_name")).to_be_focused()
    check_page(phone, "81-police-form-small-phone", phone=True)
