"""The control room's pages: the notice form keeps the API's rules; a force sees only its own."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from encompass.models import Alert, Child, Notice
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

POLICE = "control.room@police.example.org"


def _police(db, client, force="North Yorkshire Police"):
    force_id, key = create_force(db, force)
    create_user(db, POLICE, "police", force_name=force)
    sign_in(client, POLICE)
    return force_id, key


def _form(page: str, **changes: str) -> dict[str, str]:
    """A complete notice as the form posts it; an hour ago, local time."""
    occurred = datetime.now(ZoneInfo("Europe/London")) - timedelta(hours=1)
    data = {
        "csrf_token": csrf_token(page),
        "police_reference": "NY-2026-000777",
        "occurred_on-day": str(occurred.day),
        "occurred_on-month": str(occurred.month),
        "occurred_on-year": str(occurred.year),
        "occurred_time": occurred.strftime("%H:%M"),
        "location_postcode": "YO1 7HH",
        "circumstances": "Argument; neighbours called police.",
        "risk_level": "high",
        "officer_name": "PC Jane Doe",
        "officer_collar_number": "4411",
        "officer_contact_phone": "01234 567890",
        "children-0-given_name": "Amelia",
        "children-0-family_name": "Brown",
        "children-0-date_of_birth-day": "3",
        "children-0-date_of_birth-month": "4",
        "children-0-date_of_birth-year": "2019",
        "children-0-postcode": "YO1 7HH",
        "children-0-address": "12 Low Street",
        "children-0-setting_urn": "",
        "children-0-present": "yes",
        "children-0-where": "bedroom",
        "children-0-spoken_to": "no",
        "children-0-voice_of_child": "",
        "children-0-other_adult_present": "no",
        "adults-0-given_name": "Sam",
        "adults-0-family_name": "Brown",
        "adults-0-relationship_to_children": "mother",
        "adults-0-role": "victim",
        "submit": "1",
    }
    data.update(changes)
    return data


def test_it_submits_a_notice_from_the_form_through_the_same_service_as_the_api(client, db):
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _police(db, client)
    page = client.get("/police/notices/new").get_data(as_text=True)

    response = client.post("/police/notices/new", data=_form(page))

    assert response.status_code == 302, response.get_data(as_text=True)
    notice = db.exec(select(Notice)).one()
    assert response.headers["Location"] == f"/police/notices/{notice.id}"
    assert notice.risk_level == "high" and notice.officer_contact_phone == "+441234567890"
    assert notice.submitted_by_user_id is not None
    assert notice.adults[0]["relationship_to_children"] == "mother"
    child = db.exec(select(Child)).one()
    assert (child.outcome, child.setting_id, child.spoken_to) == ("matched", setting.id, False)
    assert db.exec(select(Alert)).one().child_id == child.id
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Notice NY-2026-000777 submitted" in shown and "Matched to a setting" in shown


def test_it_refuses_a_bare_partner_with_the_apis_rule_and_links_to_the_field(client, db):
    _police(db, client)
    page = client.get("/police/notices/new").get_data(as_text=True)

    response = client.post(
        "/police/notices/new", data=_form(page, **{"adults-0-relationship_to_children": "Partner"})
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: Submit a notice" in html
    assert 'href="#adults-0-relationship_to_children"' in html
    assert "Adult 1: say who this adult is to the children" in html
    assert db.exec(select(Notice)).first() is None


def test_it_says_what_is_missing_in_words_for_the_form(client, db):
    _police(db, client)
    page = client.get("/police/notices/new").get_data(as_text=True)

    response = client.post(
        "/police/notices/new", data={"csrf_token": csrf_token(page), "submit": "1"}
    )

    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400
    for message, anchor in [
        ("Enter the police reference", "#police_reference"),
        ("Enter the date of the incident", "#occurred_on-day"),
        ("Select the risk level", "#risk_level"),
        ("Child 1: enter a first name", "#children-0-given_name"),
        (
            "Child 1: enter a date of birth (or the age, if the date is not known), or tick 'This is an unborn child'",
            None,
        ),
        ("Child 1: select whether the child was present", "#children-0-present"),
        ("Adult 1: enter who this adult is to the children", "#adults-0-relationship_to_children"),
        ("Adult 1: select the adult's role in the incident", "#adults-0-role"),
    ]:
        assert message in html, message
        if anchor:
            assert f'href="{anchor}"' in html, anchor
    assert "Field required" not in html and "should" not in html


def test_it_refuses_an_impossible_date_and_a_future_incident(client, db):
    _police(db, client)
    page = client.get("/police/notices/new").get_data(as_text=True)
    tomorrow = datetime.now(UTC) + timedelta(days=2)

    response = client.post(
        "/police/notices/new",
        data=_form(
            page,
            **{
                "children-0-date_of_birth-day": "31",
                "children-0-date_of_birth-month": "2",
                "occurred_on-day": str(tomorrow.day),
                "occurred_on-month": str(tomorrow.month),
                "occurred_on-year": str(tomorrow.year),
            },
        ),
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Child 1: date of birth must be a real date" in html
    assert "The incident must not be in the future" in html


def test_it_adds_and_removes_rows_without_submitting_anything(client, db):
    _police(db, client)
    page = client.get("/police/notices/new").get_data(as_text=True)
    data = _form(page, add_child="1")
    del data["submit"]

    added = client.post("/police/notices/new", data=data)

    html = added.get_data(as_text=True)
    assert added.status_code == 200
    assert 'name="children-1-given_name"' in html and "Child 2" in html
    assert 'value="Amelia"' in html  # what was typed is kept
    data.pop("add_child")
    data.update({"children-1-given_name": "Oliver", "children-1-family_name": "Brown"})
    removed = client.post("/police/notices/new", data={**data, "remove_child": "children-0"})
    html = removed.get_data(as_text=True)
    assert 'name="children-0-given_name"' not in html and 'value="Oliver"' in html
    assert db.exec(select(Notice)).first() is None


def test_it_shows_a_police_user_only_their_own_forces_notices(client, db):
    _police(db, client)
    _, other_key = create_force(db, "West Yorkshire Police")
    client.post(
        "/api/v1/notices",
        json=notice_body(police_reference="WY-1"),
        headers=bearer(other_key),
    )
    theirs = db.exec(select(Notice)).one()

    listing = client.get("/police/notices").get_data(as_text=True)

    assert "WY-1" not in listing and "No notices yet." in listing
    assert client.get(f"/police/notices/{theirs.id}").status_code == 404


def test_it_filters_notices_by_status_and_date(client, db):
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _, key = _police(db, client)
    client.post("/api/v1/notices", json=notice_body(police_reference="NY-1"), headers=bearer(key))
    client.post(
        "/api/v1/notices",
        json=notice_body(police_reference="NY-2", child={"given_name": "Zachary"}),
        headers=bearer(key),
    )
    today = datetime.now(ZoneInfo("Europe/London")).date()
    yesterday = today - timedelta(days=1)

    waiting = client.get("/police/notices?status=waiting").get_data(as_text=True)
    review = client.get("/police/notices?status=review").get_data(as_text=True)
    old = client.get(
        f"/police/notices?received_to-day={yesterday.day}&received_to-month={yesterday.month}"
        f"&received_to-year={yesterday.year}"
    ).get_data(as_text=True)

    assert "NY-1" in waiting and "NY-2" not in waiting
    assert "NY-2" in review and "NY-1" not in review
    assert "No notices match these filters." in old


def test_it_names_the_child_in_every_error_and_never_shows_validator_text(client, db):
    _police(db, client)
    page = client.get("/police/notices/new").get_data(as_text=True)

    response = client.post(
        "/police/notices/new",
        data=_form(
            page,
            police_reference="NY 2026/1",
            circumstances="x" * 4001,
            **{
                "children-1-given_name": "Oliver",
                "children-1-family_name": "Brown",
                "children-1-present": "no",
                "children-1-spoken_to": "no",
                "children-1-where": "y" * 501,
            },
        ),
    )

    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400
    for message in [
        "The police reference must start with a letter or number and use only letters, "
        "numbers and / _ . : -",
        "The circumstances must be 4000 characters or fewer",
        "Child 2: enter a date of birth (or the age, if the date is not known), or tick 'This is an unborn child'",
        "Child 2: where the child was must be 500 characters or fewer",
    ]:
        assert message in html, message
    for raw in ("String should", "Field required", "Input should", "Value error"):
        assert raw not in html, raw


def test_it_reads_a_time_written_as_9pm_without_a_stray_error_on_the_date(client, db):
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _police(db, client)
    page = client.get("/police/notices/new").get_data(as_text=True)
    yesterday = datetime.now(ZoneInfo("Europe/London")) - timedelta(days=1)
    when = {
        "occurred_on-day": str(yesterday.day),
        "occurred_on-month": str(yesterday.month),
        "occurred_on-year": str(yesterday.year),
    }

    bad = client.post("/police/notices/new", data=_form(page, occurred_time="late", **when))
    good = client.post("/police/notices/new", data=_form(page, occurred_time="9pm", **when))

    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Enter the time like 21:40 or 9:40pm" in html
    assert "Field required" not in html and "Enter the date of the incident" not in html
    assert good.status_code == 302, good.get_data(as_text=True)
    occurred = db.exec(select(Notice)).one().occurred_at.astimezone(ZoneInfo("Europe/London"))
    assert (occurred.date(), occurred.hour, occurred.minute) == (yesterday.date(), 21, 0)


def test_it_gives_child_2_the_address_of_child_1_when_asked(client, db):
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    create_pupil(db, setting, given_name="Oliver", date_of_birth=datetime(2021, 6, 1).date())
    _police(db, client)
    page = client.get("/police/notices/new").get_data(as_text=True)

    response = client.post(
        "/police/notices/new",
        data=_form(
            page,
            **{
                "children-1-given_name": "Oliver",
                "children-1-family_name": "Brown",
                "children-1-date_of_birth-day": "1",
                "children-1-date_of_birth-month": "6",
                "children-1-date_of_birth-year": "2021",
                "children-1-same_address": "y",
                "children-1-present": "no",
                "children-1-spoken_to": "no",
            },
        ),
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    oliver = db.exec(select(Child).where(Child.given_name == "Oliver")).one()
    assert (oliver.postcode, oliver.address) == ("YO1 7HH", "12 Low Street")
    assert oliver.outcome == "matched"


def test_it_brings_the_page_back_at_the_child_just_added(client, db):
    _police(db, client)
    page = client.get("/police/notices/new").get_data(as_text=True)

    assert 'formaction="#children-1-given_name"' in page
    data = _form(page, add_child="1")
    del data["submit"]
    added = client.post("/police/notices/new", data=data).get_data(as_text=True)
    assert 'id="children-1"' in added and 'formaction="#children-2-given_name"' in added
    assert "Same address as child 1" in added


def _sent_notice(db, client):
    """A school with Amelia and Oliver on its roll, and a notice naming Amelia only."""
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    create_pupil(db, setting, given_name="Oliver", date_of_birth=datetime(2021, 6, 1).date())
    _, key = _police(db, client)
    sent = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key)).get_json()
    return setting, sent


def _child_form(page: str, **changes: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf_token(page),
        "given_name": "Oliver",
        "family_name": "Brown",
        "date_of_birth-day": "1",
        "date_of_birth-month": "6",
        "date_of_birth-year": "2021",
        "same_address": "y",
        "present": "no",
        "spoken_to": "no",
        "other_adult_present": "no",
    }
    data.update(changes)
    return data


def test_it_adds_a_forgotten_child_to_a_sent_notice_from_the_notice_page(client, db):
    setting, sent = _sent_notice(db, client)
    notice_page = client.get(f"/police/notices/{sent['id']}").get_data(as_text=True)
    assert f'href="/police/notices/{sent["id"]}/children/new"' in notice_page
    url = f"/police/notices/{sent['id']}/children/new"
    page = client.get(url).get_data(as_text=True)
    assert "<title>Add a child to notice NY-2026-004211" in page

    response = client.post(url, data=_child_form(page))

    assert response.status_code == 302, response.get_data(as_text=True)
    oliver = db.exec(select(Child).where(Child.given_name == "Oliver")).one()
    assert (oliver.setting_id, oliver.address, oliver.postcode) == (
        setting.id,
        "12 Low Street",
        "YO1 7HH",
    )
    assert db.exec(select(Alert).where(Alert.child_id == oliver.id)).one()
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Child 2 added to notice NY-2026-004211" in shown
    assert "Changes after sending" in shown and "a child added" in shown


def test_it_names_the_child_in_errors_on_the_add_a_child_page(client, db):
    _, sent = _sent_notice(db, client)
    url = f"/police/notices/{sent['id']}/children/new"
    page = client.get(url).get_data(as_text=True)

    response = client.post(
        url,
        data=_child_form(
            page, **{"date_of_birth-day": "", "date_of_birth-month": "", "date_of_birth-year": ""}
        ),
    )

    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400
    assert (
        "Child 2: enter a date of birth (or the age, if the date is not known), or tick 'This is an unborn child'"
        in html
    )
    assert len(db.exec(select(Child)).all()) == 1


def test_it_corrects_a_childs_details_from_the_notice_page(client, db):
    _, sent = _sent_notice(db, client)
    child_id = sent["children"][0]["id"]
    url = f"/police/notices/{sent['id']}/children/{child_id}/correct"
    page = client.get(url).get_data(as_text=True)
    assert "<title>Correct the details of child 1" in page
    assert 'value="Amelia"' in page  # the stored details, ready to change

    data = {
        "csrf_token": csrf_token(page),
        "given_name": "Amelia",
        "family_name": "Brown",
        "date_of_birth-day": "3",
        "date_of_birth-month": "4",
        "date_of_birth-year": "2019",
        "postcode": "YO1 7HH",
        "address": "12 Low Street",
        "present": "yes",
        "where": "on the stairs",
        "spoken_to": "yes",
        "voice_of_child": "said she was scared; quiet, clinging to mother",
        "other_adult_present": "no",
    }
    response = client.post(url, data=data)

    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Child, child_id).where == "on the stairs"
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "where the child was" in shown


def test_it_keeps_another_forces_notice_out_of_the_amend_pages(client, db):
    _, sent = _sent_notice(db, client)
    create_force(db, "West Yorkshire Police")
    create_user(db, "wy@police.example.org", "police", force_name="West Yorkshire Police")
    client.post("/logout", data={})
    other = client.application.test_client()
    sign_in(other, "wy@police.example.org")

    assert other.get(f"/police/notices/{sent['id']}/children/new").status_code == 404
    child_id = sent["children"][0]["id"]
    assert other.get(f"/police/notices/{sent['id']}/children/{child_id}/correct").status_code == 404


def test_the_officer_phone_hint_gives_a_number_the_form_accepts():
    from encompass.models.fields import LANDLINE_EXAMPLE, normalise_phone
    from encompass.police.forms import NoticeForm

    assert LANDLINE_EXAMPLE in NoticeForm.officer_contact_phone.kwargs["description"]
    assert normalise_phone(LANDLINE_EXAMPLE) == "+441212345678"


def test_it_shows_the_police_which_role_acknowledged_never_who(client, db):
    setting = create_setting(db)
    create_key_adult(db, setting)
    deputy_adult = create_key_adult(
        db, setting, "deputy", "Priya Shah", email="priya@school.example.org", phone="+447400123457"
    )
    create_pupil(db, setting)
    _, key = _police(db, client)
    sent = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key)).get_json()
    user = create_user(db, "priya@school.example.org", "dsl", setting_urn=setting.urn)
    deputy_adult.user_id = user.id  # her account (as an invitation links it)
    db.add(deputy_adult)
    db.commit()
    deputy = client.application.test_client()
    sign_in(deputy, "priya@school.example.org")
    alert = db.exec(select(Alert)).one()
    page = deputy.get(f"/alerts/{alert.id}").get_data(as_text=True)
    deputy.post(
        f"/alerts/{alert.id}", data={"note": "Check-in at 8:40", "csrf_token": csrf_token(page)}
    )

    shown = client.get(f"/police/notices/{sent['id']}").get_data(as_text=True)
    listed = client.get("/police/notices").get_data(as_text=True)

    assert "by the Deputy DSL" in shown and "Deputy DSL" in listed
    assert "Priya" not in shown and "priya@" not in shown
    api = client.get(f"/api/v1/notices/{sent['id']}", headers=bearer(key)).get_json()
    assert api["children"][0]["alert"]["acknowledged_as"] == "deputy"


def test_it_says_a_two_digit_year_needs_four_digits_naming_the_child(client, db):
    _police(db, client)
    page = client.get("/police/notices/new").get_data(as_text=True)

    response = client.post(
        "/police/notices/new", data=_form(page, **{"children-0-date_of_birth-year": "19"})
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Child 1: date of birth must have a 4-digit year, like 2019" in html


def test_the_form_takes_an_age_when_the_date_of_birth_is_not_known(client, db):
    _police(db, client)
    page = client.get("/police/notices/new").get_data(as_text=True)
    no_date = {f"children-0-date_of_birth-{part}": "" for part in ("day", "month", "year")}

    words = client.post(
        "/police/notices/new", data=_form(page, **no_date, **{"children-0-age_years": "seven"})
    )
    sent = client.post(
        "/police/notices/new", data=_form(page, **no_date, **{"children-0-age_years": "7"})
    )

    assert words.status_code == 400
    assert "Child 1: the child&#39;s age in years must be a whole number" in words.get_data(
        as_text=True
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    child = db.exec(select(Child)).one()
    assert (child.date_of_birth, child.age_years) == (None, 7)
