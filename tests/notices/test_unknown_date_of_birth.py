"""A child whose date of birth is not known: police send an age, the matcher reads the
names, the house and the age, and nobody is asked for a date the officer never had."""

from datetime import UTC, date, datetime

import time_machine
from sqlmodel import select

from encompass.models import Child
from tests.factories import bearer, create_force, create_pupil, create_setting, notice_body

# A Tuesday evening in term: Amelia Brown (born 3 April 2019) is 7.
EVENING = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
NO_DATE = {"date_of_birth": None, "age_years": 7}


def _post(client, key, **child):
    body = notice_body(child=child, occurred_at="2026-11-24T19:00:00+00:00")
    with time_machine.travel(EVENING, tick=False):
        return client.post("/api/v1/notices", json=body, headers=bearer(key))


def _errors(response) -> dict:
    assert response.status_code == 422, response.get_json()
    return response.get_json()["errors"]


def test_it_takes_an_age_when_the_date_of_birth_is_not_known(client, db):
    setting = create_setting(db)
    create_pupil(db, setting)
    _, key = create_force(db)

    response = _post(client, key, **NO_DATE)

    assert response.status_code == 201, response.get_json()
    child = response.get_json()["children"][0]
    assert (child["date_of_birth"], child["age_years"]) == (None, 7)
    # Same names, same house, the age told agrees: St Wilfrid's, as with a date.
    assert (child["outcome"], child["setting"]["urn"]) == ("matched", "121212")
    stored = db.exec(select(Child)).one()
    assert (stored.date_of_birth, stored.age_years) == (None, 7)
    assert stored.born_text == "Not known: 7 years old when the police attended"


def test_an_age_two_years_out_is_another_child_for_a_person_to_look_at(client, db):
    setting = create_setting(db)
    create_pupil(db, setting)  # Amelia, 7
    _, key = create_force(db)

    child = _post(client, key, date_of_birth=None, age_years=10).get_json()["children"][0]

    assert (child["outcome"], child["setting"]) == ("review", None)


def test_it_reads_the_names_of_a_child_with_no_date_and_no_age_match(client, db):
    """A brother or sister at the house is not the child because the date is missing."""
    setting = create_setting(db)
    create_pupil(db, setting, given_name="Ella", date_of_birth=date(2015, 6, 1))
    _, key = create_force(db)

    child = _post(client, key, **NO_DATE).get_json()["children"][0]

    assert child["outcome"] == "review"


def test_it_asks_for_a_date_or_an_age_and_refuses_both(client, db):
    _, key = create_force(db)

    neither = _errors(_post(client, key, date_of_birth=None))
    both = _errors(_post(client, key, date_of_birth="2019-04-03", age_years=7))
    too_old = _errors(_post(client, key, date_of_birth=None, age_years=18))
    as_text = _errors(_post(client, key, date_of_birth=None, age_years="7"))
    unborn = _errors(
        _post(client, key, date_of_birth=None, unborn=True, expected_date="2027-03-01", age_years=0)
    )

    assert neither == {
        "children.0.date_of_birth": [
            "Child 1: enter a date of birth, or the child's age in years if the date is "
            "not known, or say the child is unborn"
        ]
    }
    assert both == {
        "children.0.date_of_birth": [
            "Child 1: give the date of birth or, if it is not known, the age: not both"
        ]
    }
    assert too_old == {
        "children.0.age_years": ["Child 1: the age must be a whole number of years, from 0 to 17"]
    }
    assert as_text == {
        "children.0.age_years": ["Child 1: the child's age in years must be a whole number"]
    }
    assert unborn == {
        "children.0.age_years": [
            "Child 1: an unborn child has an expected date of birth, not an age"
        ]
    }
    assert db.exec(select(Child)).all() == []


def test_a_correction_with_the_date_of_birth_replaces_the_age(client, db):
    setting = create_setting(db)
    create_pupil(db, setting)
    _, key = create_force(db)
    notice = _post(client, key, date_of_birth=None, age_years=10).get_json()
    child_id = notice["children"][0]["id"]

    with time_machine.travel(EVENING, tick=False):
        response = client.patch(
            f"/api/v1/notices/{notice['id']}",
            json={"correct_children": [{"id": child_id, "date_of_birth": "2019-04-03"}]},
            headers=bearer(key),
        )

    assert response.status_code == 200, response.get_json()
    current = [c for c in response.get_json()["children"] if c["outcome"] == "matched"]
    assert [(c["date_of_birth"], c["age_years"]) for c in current] == [("2019-04-03", None)]
