"""The review page a coordinator clears in a minute at 07:30 on a phone: the child as the
police sent it ("child 2 of notice ..."), the time left first, each candidate's evidence
in plain words, the notice's other children and where they went, and a search for any
setting that answers where the coordinator is."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlmodel import select

from encompass.models import Alert, ReviewItem
from tests.factories import (
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    notice_body,
    submit_notice,
)
from tests.helpers import csrf_token, sign_in
from tests.language.welsh_page import english_left, main_text

COORDINATOR = "claire.booth@york.example.gov.uk"
# Monday 7 December 2026: the notice came in at 06:00, the coordinator looks at 07:30.
SENT = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
LOOKED = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)


@pytest.fixture
def app(make_app):
    return make_app(TOTP_REQUIRED_ROLES="")


def on_notice(given, born):
    return notice_body(child={"given_name": given, "date_of_birth": born})["children"][0]


@pytest.fixture
def moved(db):
    """Leo and Amelia Brown moved from 12 Low Street to 4 New Road, YO10 3DD. Leo is on
    Oakfield's roll there; an Amelia Brown of the same birthday is at Clifton Green at that
    house, and another at St Wilfrid's elsewhere."""
    oakfield = create_setting(db, urn="121400", name="Oakfield Primary School")
    clifton = create_setting(db, urn="121345", name="Clifton Green Primary School")
    wilfrids = create_setting(db)
    for number, s in enumerate((oakfield, clifton, wilfrids)):
        create_key_adult(db, s, name=f"Key Adult {number}", phone=f"+44791110002{number}")
    team = create_setting(db, urn="900816", name="York Early Help", kind="fallback")
    create_key_adult(db, team, name="Duty Team", phone="+447911100041")
    create_pupil(db, oakfield, "Leo", date_of_birth=date(2016, 2, 10), postcode="YO10 3DD",
                 address="4 New Road")  # fmt: skip
    create_pupil(db, clifton, "Amelia", postcode="YO10 3DD", address="4 New Road")
    create_pupil(db, wilfrids, "Amelia", postcode="YO24 1AA", address="9 Other Street")
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    _, key = create_force(db)
    return {"key": key, "oakfield": oakfield, "clifton": clifton}


@pytest.fixture
def item(client, db, moved) -> ReviewItem:
    """Amelia, second on notice NYP-26-00018, waits in review; Leo went to Oakfield."""
    notice = submit_notice(
        client,
        moved["key"],
        at=SENT,
        police_reference="NYP-26-00018",
        children=[on_notice("Leo", "2016-02-10"), on_notice("Amelia", "2019-04-03")],
    )
    assert [c["outcome"] for c in notice["children"]] == ["matched", "review"]
    with time_machine.travel(LOOKED, tick=False):
        sign_in(client, COORDINATOR)
    return db.exec(select(ReviewItem)).one()


def look(client, url):
    with time_machine.travel(LOOKED, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_queue_names_the_child_as_the_police_sent_it_with_the_time_left(client, item):
    html = look(client, "/review/")

    link = re.search(rf'<a class="govuk-link" href="/review/{item.id}">([^<]+)</a>', html)
    assert link is not None
    assert link[1] == "Amelia Brown, child 2 of notice NYP-26-00018"
    assert "Review child" not in html
    assert "Needed by 08:45 today: 1 hour 15 minutes left" in html


def test_the_item_puts_the_time_left_first_and_the_evidence_in_plain_words(client, item):
    html = look(client, f"/review/{item.id}")
    shown = main_text(html)

    assert "Amelia Brown, child 2 of notice NYP-26-00018" in shown
    assert f"Review child {item.id}" not in shown
    time_left = shown.index("Needed by 08:45 today: 1 hour 15 minutes left")
    assert time_left < shown.index("On the notice") < shown.index("Which pupil is this child?")
    assert (
        "Why: same name and date of birth; lives at a new address; Leo, also on this notice, "
        "matched at Oakfield Primary School: same house" in shown
    )
    for weights in ("times likelier", "times less likely", "not rare enough"):
        assert weights not in shown
    # Dates one way: the candidates' as the child's, never ISO.
    assert shown.count("3 April 2019") >= 3
    assert "2019-04-03" not in shown


def test_the_item_shows_the_notices_other_children_and_where_they_went(client, item):
    shown = main_text(look(client, f"/review/{item.id}"))

    others = shown[shown.index("The notice's other children") : shown.index("Which pupil")]
    assert "Leo Brown (child 1) · born 10 February 2016" in others
    assert "Matched to Oakfield Primary School" in others
    # The brother at the candidate's house on the roll is the evidence to see.
    assert "Same house as Amelia Brown on the roll" in others


def test_a_setting_search_answers_where_the_coordinator_is(client, db, item, moved):
    page = look(client, f"/review/{item.id}")
    form = re.search(r'<form method="get" novalidate action="([^"]+)"', page)
    assert form is not None and form[1] == f"/review/{item.id}#setting-search"

    html = look(client, f"/review/{item.id}?q=oakfield")

    section = html[html.index('<section id="setting-search"') : html.index("</section>")]
    assert "Search for another setting" in section
    assert "1 setting found for “oakfield”" in section
    assert "Oakfield Primary School (121400)" in section
    decision = html[html.index("Which pupil is this child?") : html.index("</fieldset>")]
    assert "Oakfield Primary School (121400)" not in decision
    search_form = re.search(r'<form method="post" novalidate action="([^"]+)"', section)
    assert search_form is not None
    assert search_form[1] == f"/review/{item.id}?q=oakfield#setting-search"

    # Sent with nothing chosen: the error is by the settings found, not the pupils.
    with time_machine.travel(LOOKED, tick=False):
        refused = client.post(
            search_form[1], data={"csrf_token": csrf_token(html), "part": "search"}
        ).get_data(as_text=True)
    section = refused[refused.index('<section id="setting-search"') :]
    assert 'id="choice-error"' in section
    assert 'href="#choice"' in refused and 'id="choice"' in section

    with time_machine.travel(LOOKED, tick=False):
        response = client.post(
            search_form[1],
            data={
                "csrf_token": csrf_token(html),
                "part": "search",
                "choice": f"setting:{moved['oakfield'].id}",
            },
        )
    assert response.status_code == 302
    alert = db.exec(select(Alert).where(Alert.child_id == item.child_id)).one()
    assert alert.setting_id == moved["oakfield"].id


def test_the_page_is_all_welsh_in_welsh(client, item):
    html = look(client, f"/review/{item.id}?lang=cy&q=oakfield")

    allowed = ("Amelia Brown", "Leo Brown", "Amelia", "Leo", "NYP-26-00018", "4 New Road",
               "9 Other Street", "12 Low Street", "YO10 3DD", "YO24 1AA", "YO1 7HH",
               "Oakfield Primary School", "Clifton Green Primary School",
               "St Wilfrid's RC Primary School", "oakfield")  # fmt: skip
    assert english_left(html, allowed=allowed) == []
    assert "plentyn 2 ar hysbysiad NYP-26-00018" in main_text(html)
