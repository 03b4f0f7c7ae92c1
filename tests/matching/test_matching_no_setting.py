"""Children with no setting reach a team, never nowhere: unborn, under school age, home educated."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from encompass.models import Alert, ReviewItem
from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    notice_body,
)


@pytest.fixture
def area(db):
    """York (816) and Leeds (383), each with a school, a pupil and a fallback team."""
    york = create_setting(db)
    leeds = create_setting(db, urn="107000", name="Leeds Primary", la_code="383")
    create_pupil(db, york, given_name="Jack", family_name="Smith", postcode="YO1 7HH")
    create_pupil(db, leeds, given_name="Ruby", family_name="Khan", postcode="LS1 4AP")
    teams = {
        "816": create_setting(db, urn="900816", name="York Early Help", kind="fallback"),
        "383": create_setting(
            db, urn="900383", name="Leeds Early Help", kind="fallback", la_code="383"
        ),
    }
    for team in teams.values():
        create_key_adult(db, team, name=f"{team.name} duty", email=f"duty{team.urn}@example.org")
    _, key = create_force(db)
    return {"key": key, "teams": teams}


def child_on(response):
    assert response.status_code == 201, response.get_json()
    return response.get_json()["children"][0]


def test_it_sends_an_unborn_child_to_the_fallback_team_of_its_council(client, db, area):
    expected = (datetime.now(UTC) + timedelta(days=60)).date().isoformat()
    body = notice_body(child={"unborn": True, "date_of_birth": None, "expected_date": expected})

    child = child_on(client.post("/api/v1/notices", json=body, headers=bearer(area["key"])))

    assert child["outcome"] == "no_setting"
    assert child["setting"] == {"urn": "900816", "name": "York Early Help"}
    assert child["alert"]["status"] == "pending"


def test_it_sends_a_child_under_school_age_on_no_roll_to_their_councils_team(client, db, area):
    toddler = (datetime.now(UTC) - timedelta(days=365 * 2)).date().isoformat()
    body = notice_body(
        child={
            "given_name": "Isla",
            "family_name": "Khan",
            "date_of_birth": toddler,
            "postcode": "LS1 4AP",
        },
    )

    child = child_on(client.post("/api/v1/notices", json=body, headers=bearer(area["key"])))

    assert child["outcome"] == "no_setting"
    assert child["setting"]["urn"] == "900383"  # Leeds pupils live at LS1 4AP


def test_it_sends_a_home_educated_child_to_the_councils_home_education_team(client, db, area):
    ehe = create_setting(
        db, urn="816901", name="York Elective Home Education", kind="home_education"
    )
    create_key_adult(db, ehe, name="EHE officer", email="ehe@york.example.gov.uk")
    create_pupil(db, ehe)  # Amelia Brown, on the council's home education register

    child = child_on(
        client.post("/api/v1/notices", json=notice_body(), headers=bearer(area["key"]))
    )

    assert child["outcome"] == "no_setting"
    assert child["setting"] == {"urn": "816901", "name": "York Elective Home Education"}
    assert db.exec(select(Alert)).one().setting_id == ehe.id


def test_it_keeps_a_child_in_review_when_no_council_or_team_can_be_found(client, db, area):
    expected = (datetime.now(UTC) + timedelta(days=60)).date().isoformat()
    body = notice_body(
        location_postcode="EX1 1AA",
        child={
            "unborn": True,
            "date_of_birth": None,
            "expected_date": expected,
            "postcode": "EX1 1AA",
        },
    )

    child = child_on(client.post("/api/v1/notices", json=body, headers=bearer(area["key"])))

    assert (child["outcome"], child["setting"], child["alert"]) == ("review", None, None)
    item = db.exec(select(ReviewItem)).one()
    assert item.la_code == ""  # nobody's council: admins see it


def test_it_uses_the_only_fallback_team_when_the_council_is_unknown(client, db):
    create_setting(db, urn="900816", name="York Early Help", kind="fallback")
    _, key = create_force(db)
    toddler = date.today().replace(year=date.today().year - 2).isoformat()
    body = notice_body(
        location_postcode="EX1 1AA",
        child={"date_of_birth": toddler, "postcode": "EX1 1AA"},
    )

    child = child_on(client.post("/api/v1/notices", json=body, headers=bearer(key)))

    assert (child["outcome"], child["setting"]["urn"]) == ("no_setting", "900816")


def test_a_council_adds_its_teams_and_home_education_register_from_the_command_line(
    cli, client, db, tmp_path
):
    create_setting(db)
    _, key = create_force(db)
    assert cli("teams", "add", "900816", "York Early Help", "--la", "816").exit_code == 0
    added = cli(
        "teams", "add", "816901", "York Home Education", "--la", "816", "--kind", "home_education"
    )
    assert added.exit_code == 0, added.output
    register = tmp_path / "ehe.csv"
    register.write_text(
        "setting_urn,given_name,family_name,date_of_birth,postcode\n"
        "816901,Amelia,Brown,2019-04-03,YO1 7HH\n",
        encoding="utf-8",
    )
    assert cli("roll", "import", str(register)).exit_code == 0
    listed = cli("teams", "list")
    assert "816\tfallback\t900816\tYork Early Help" in listed.output
    assert "816\thome_education\t816901\tYork Home Education" in listed.output

    child = child_on(client.post("/api/v1/notices", json=notice_body(), headers=bearer(key)))

    assert (child["outcome"], child["setting"]["urn"]) == ("no_setting", "816901")
    assert cli("teams", "add", "121212", "Not a team", "--la", "816").exit_code == 1
