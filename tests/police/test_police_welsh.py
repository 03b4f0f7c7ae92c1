"""The control room in Welsh: the form, the notice and the list with `?lang=cy`, and the
police API's field errors in Welsh with `Accept-Language: cy` (its keys and codes stay
English, for machines)."""

from sqlmodel import select

from encompass.models import Child, Notice
from tests.factories import bearer, create_key_adult, create_pupil, create_setting, notice_body
from tests.helpers import csrf_token
from tests.language.welsh_page import english_left, main_text
from tests.police.test_police_pages import _form, _police, _sent_notice

# What the tests put on the pages: names, addresses, references, the force.
ALLOWED = (
    "Amelia Brown",
    "Amelia",
    "Oliver",
    "Brown",
    "Sam",
    "12 Low Street",
    "YO1 7HH",
    "PC Jane Doe",
    "St Wilfrid's RC Primary School",
)


def _welsh(html: str) -> None:
    assert '<html lang="cy"' in html
    assert english_left(html, allowed=ALLOWED) == []


def test_the_notice_form_is_in_welsh(client, db):
    _police(db, client)

    response = client.get("/police/notices/new?lang=cy")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    _welsh(html)
    assert "Cyflwyno hysbysiad" in html
    assert "Ychwanegu plentyn arall" in html
    assert "Plentyn 1" in html and "Oedolyn 1" in html
    # The script's row words come from the page, in its language.
    assert 'data-legend="Plentyn __number__"' in html
    assert 'data-remove="Tynnu plentyn __number__"' in html


def test_the_welsh_form_says_what_is_missing_in_welsh(client, db):
    _police(db, client)
    page = client.get("/police/notices/new?lang=cy").get_data(as_text=True)

    response = client.post(
        "/police/notices/new", data={"csrf_token": csrf_token(page), "submit": "1"}
    )

    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400
    _welsh(html)
    assert "Mae yna broblem" in html
    assert "Mae angen cyfeirnod yr heddlu" in html
    assert "Plentyn 1: mae angen enw cyntaf" in html
    assert "Oedolyn 1: dewiswch rôl yr oedolyn yn y digwyddiad" in html


def test_a_notice_submitted_in_welsh_is_stored_as_in_english(client, db):
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _police(db, client)
    page = client.get("/police/notices/new?lang=cy").get_data(as_text=True)

    response = client.post("/police/notices/new", data=_form(page))

    assert response.status_code == 302, response.get_data(as_text=True)
    notice = db.exec(select(Notice)).one()
    child = db.exec(select(Child)).one()
    assert (notice.police_reference, notice.risk_level, notice.location_postcode) == (
        "NY-2026-000777",
        "high",
        "YO1 7HH",
    )
    assert (child.given_name, child.family_name, child.present, child.spoken_to) == (
        "Amelia",
        "Brown",
        True,
        False,
    )
    assert child.outcome == "matched"
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hysbysiad NY-2026-000777 wedi&#39;i gyflwyno" in shown
    _welsh(shown)


def test_the_notice_page_and_the_list_are_in_welsh(client, db):
    _, sent = _sent_notice(db, client)

    notice = client.get(f"/police/notices/{sent['id']}?lang=cy")
    listed = client.get("/police/notices?lang=cy")

    for response in (notice, listed):
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        _welsh(html)
    shown = main_text(notice.get_data(as_text=True))
    assert "Wedi'i baru â lleoliad" in shown
    assert "1 hysbysiad" in listed.get_data(as_text=True)


def test_the_add_a_child_page_is_in_welsh(client, db):
    _, sent = _sent_notice(db, client)

    response = client.get(f"/police/notices/{sent['id']}/children/new?lang=cy")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    _welsh(html)
    assert "Ychwanegu plentyn at hysbysiad" in html


def _bad_notice() -> dict:
    body = notice_body()
    body["police_reference"] = ""
    body["children"][0].pop("date_of_birth")
    body["children"][0]["present"] = "perhaps"
    body["adults"][0]["relationship_to_children"] = "partner"
    return body


def test_the_api_gives_its_field_errors_in_welsh_when_asked(client, db):
    setting = create_setting(db)
    create_pupil(db, setting)
    _, key = _police(db, client)

    english = client.post("/api/v1/notices", json=_bad_notice(), headers=bearer(key))
    welsh = client.post(
        "/api/v1/notices",
        json=_bad_notice(),
        headers={**bearer(key), "Accept-Language": "cy"},
    )

    assert english.status_code == welsh.status_code == 422
    en, cy = english.get_json(), welsh.get_json()
    assert en["error"] == cy["error"] == "invalid"
    assert set(en["errors"]) == set(cy["errors"])
    assert en["message"] == "The notice has errors."
    assert cy["message"] == "Mae gwallau yn yr hysbysiad."
    assert en["errors"]["police_reference"] == ["Enter the police reference"]
    assert cy["errors"]["police_reference"] == ["Mae angen cyfeirnod yr heddlu"]
    assert cy["errors"]["children.0.present"] == [
        "Plentyn 1: dewiswch a oedd y plentyn yn bresennol"
    ]
    assert cy["errors"]["children.0.date_of_birth"][0].startswith("Plentyn 1: rhowch ddyddiad geni")
    assert cy["errors"]["adults.0.relationship_to_children"][0].startswith(
        "Oedolyn 1: dywedwch pwy yw'r oedolyn hwn i'r plant"
    )
    for key_, messages in cy["errors"].items():
        assert messages != en["errors"][key_], key_
        assert english_left(f"<main>{' '.join(messages)}</main>") == [], messages
    assert db.exec(select(Notice)).first() is None
