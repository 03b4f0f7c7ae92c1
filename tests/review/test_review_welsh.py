"""The review queue and a review item in Welsh (`?lang=cy`): the reasons and the evidence
the matcher kept in English are shown in Welsh too."""

import re

from tests.helpers import sign_in
from tests.language.welsh_page import english_left, main_text
from tests.review.test_review_queue import COORDINATOR, app, only_item, submit, york

__all__ = ["app", "york"]  # fixtures

ALLOWED = (
    "Alexandra Brown",
    "Alexander Brown",
    "Alex Brown",
    "Alexandra",
    "Alexander",
    "Alex",
    "Brown",
    "12 Low Street",
    "YO1 7HH",
    "Clifton Green Primary School",
    "St Wilfrid's RC Primary School",
)


def test_the_review_queue_and_an_item_are_in_welsh(client, db, york):
    submit(client, york)
    item = only_item(db)
    sign_in(client, COORDINATOR)

    queue = client.get("/review/?lang=cy")
    page = client.get(f"/review/{item.id}?lang=cy")

    for response in (queue, page):
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert '<html lang="cy"' in html
        assert english_left(html, allowed=ALLOWED) == []
    assert "Ciw adolygu" in main_text(queue.get_data(as_text=True))
    shown = main_text(page.get_data(as_text=True))
    assert "Pa leoliad y mae'r plentyn hwn yn ei fynychu?" in shown
    assert "Tebygolrwydd mai hwn yw'r plentyn: 50%" in shown
    assert re.search(r"Enw cyntaf: mae Alex yn ffurf ar Alexandra \([\d.,]+ gwaith yn fwy", shown)
    assert re.search(r"Dyddiad geni: yn cytuno \([\d,]+ gwaith yn fwy tebygol", shown)


def test_a_decision_refused_in_welsh_says_why_in_welsh(client, db, york):
    submit(client, york)
    item = only_item(db)
    sign_in(client, COORDINATOR)
    page = client.get(f"/review/{item.id}?lang=cy").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None

    response = client.post(f"/review/{item.id}", data={"csrf_token": token[1]})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Dewiswch ddisgybl, neu ddim ar unrhyw gofrestr" in html
    assert english_left(html, allowed=ALLOWED) == []
