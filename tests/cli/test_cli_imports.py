"""`encompass settings|contacts|roll import` and `roll match`: council files, as handed over.

A file with a bad row changes nothing (unless --partial), and says which rows and why.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from encompass.models import Alert, AuditEvent, Child, KeyAdult, Notice, Pupil, Setting
from tests.cli_helpers import (
    DATA,
    assert_one_line_error,
    count,
    error_lines,
    make_cli,
    rows,
    write_csv,
)
from tests.factories import create_key_adult, create_pupil, create_setting

GIAS_CP1252 = DATA / "gias_york_cp1252.csv"
GIAS_UTF8_BOM = DATA / "gias_swansea_utf8_bom.csv"
CONTACTS = DATA / "contacts_york.csv"
ROLL = DATA / "roll_york.csv"
MATCH = DATA / "match_children.csv"

ST_MARYS = "St Mary’s Church of England Voluntary Controlled Primary School"


@pytest.fixture
def cli(app, monkeypatch):
    return make_cli(app, monkeypatch)


def gias_rows(path: Path = GIAS_CP1252) -> tuple[list[str], list[dict[str, str]]]:
    """A GIAS download's header and rows, to make variants of it."""
    raw = path.read_bytes()
    text = raw[3:].decode() if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1252")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def settings_by_urn(db) -> dict[str, Setting]:
    return {s.urn: s for s in rows(db, Setting)}


def stdout_lines(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.strip()]


# --- settings import (GIAS) -------------------------------------------------------------------


def test_it_imports_open_establishments_from_a_cp1252_gias_download(cli, db):
    result = cli("settings", "import", GIAS_CP1252)

    assert result.exit_code == 0, result.output
    assert stdout_lines(result) == ["settings: 6 accepted, 0 rejected, 1 skipped (1 closed)"]
    settings = settings_by_urn(db)
    assert set(settings) == {"121212", "121700", "121345", "139001", "121100", "401950"}
    assert settings["121700"].name == ST_MARYS
    assert settings["121212"].name == "St Wilfrid's RC Primary School"
    st_marys = settings["121700"]
    assert (st_marys.la_code, st_marys.la_name, st_marys.postcode) == ("816", "York", "YO24 1HR")
    assert (st_marys.type_name, st_marys.phase) == ("Voluntary controlled school", "Primary")
    assert st_marys.kind == "school" and st_marys.nation == "england"


def test_it_normalises_postcodes_and_recognises_nurseries_and_welsh_schools(cli, db):
    cli("settings", "import", GIAS_CP1252)

    settings = settings_by_urn(db)

    assert settings["121345"].postcode == "YO30 6HX"
    assert settings["121100"].kind == "early_years"
    ysgol = settings["401950"]
    assert ysgol.name == "Ysgol Gymraeg Bro Morgannwg"
    assert (ysgol.nation, ysgol.la_code, ysgol.la_name) == ("wales", "673", "Vale of Glamorgan")


def test_it_keeps_an_establishment_that_is_open_but_proposed_to_close(cli, db):
    cli("settings", "import", GIAS_CP1252)

    assert settings_by_urn(db)["139001"].name == "Haxby Road Primary Academy"
    assert "121214" not in settings_by_urn(db)


def test_it_imports_a_utf8_gias_file_with_a_byte_order_mark(cli, db):
    result = cli("settings", "import", GIAS_UTF8_BOM)

    assert result.exit_code == 0, result.output
    assert stdout_lines(result) == ["settings: 3 accepted, 0 rejected, 1 skipped (1 closed)"]
    settings = settings_by_urn(db)
    assert settings["401800"].name == "Ysgol Gyfun Gŵyr"
    assert settings["401801"].name == "Ysgol Gynradd Gymraeg Tŷ Coch"
    assert settings["121701"].name == "St Mary’s RC Primary School — Acomb"
    assert settings["401800"].nation == "wales"
    assert "121215" not in settings


def test_it_updates_names_on_reimport_without_duplicating_settings(cli, db, tmp_path):
    assert cli("settings", "import", GIAS_CP1252).exit_code == 0
    before = settings_by_urn(db)
    header, records = gias_rows()
    for record in records:
        if record["URN"] == "121345":
            record["EstablishmentName"] = "Clifton Green Primary Academy"
            record["TypeOfEstablishment (name)"] = "Academy converter"
    renamed = write_csv(tmp_path / "gias.csv", header, records, encoding="cp1252", quote_all=True)

    result = cli("settings", "import", renamed)

    assert result.exit_code == 0, result.output
    after = settings_by_urn(db)
    assert set(after) == set(before)
    assert after["121345"].id == before["121345"].id
    assert after["121345"].name == "Clifton Green Primary Academy"
    assert after["121345"].type_name == "Academy converter"
    assert after["121700"].name == ST_MARYS


def test_it_changes_nothing_when_a_gias_row_is_bad_and_names_the_rows(cli, db, tmp_path):
    create_setting(db, urn="121345", name="Clifton Green Primary School (old name)")
    header, records = gias_rows()
    records[0]["EstablishmentName"] = "St Wilfrid's Catholic Primary School"
    records[2]["Postcode"] = "NOT A POSTCODE"  # row 4: header is row 1
    records[4]["URN"] = "13900A"  # row 6
    bad = write_csv(tmp_path / "edubase.csv", header, records, encoding="cp1252", quote_all=True)

    result = cli("settings", "import", bad)

    assert result.exit_code == 1
    lines = error_lines(result)
    assert lines[:2] == [
        "row 4: rejected: Postcode 'NOT A POSTCODE' is not a UK postcode",
        "row 6: rejected: URN '13900A' is not 5 to 8 digits",
    ]
    assert lines[-1].startswith("Error: 2 rows rejected in ")
    assert "nothing was imported" in lines[-1] and len(lines) == 3
    settings = settings_by_urn(db)
    assert list(settings) == ["121345"]
    assert settings["121345"].name == "Clifton Green Primary School (old name)"


def test_it_imports_the_good_gias_rows_with_partial(cli, db, tmp_path):
    header, records = gias_rows()
    records[2]["Postcode"] = "NOT A POSTCODE"
    bad = write_csv(tmp_path / "edubase.csv", header, records, encoding="cp1252", quote_all=True)

    result = cli("settings", "import", "--partial", bad)

    assert result.exit_code == 0, result.output
    assert error_lines(result) == [
        "row 4: rejected: Postcode 'NOT A POSTCODE' is not a UK postcode"
    ]
    assert stdout_lines(result) == ["settings: 5 accepted, 1 rejected, 1 skipped (1 closed)"]
    assert set(settings_by_urn(db)) == {"121212", "121700", "139001", "121100", "401950"}


def test_it_refuses_a_urn_that_appears_twice_in_one_file(cli, db, tmp_path):
    header, records = gias_rows()
    records.append(dict(records[0], EstablishmentName="Another name"))
    doubled = write_csv(
        tmp_path / "edubase.csv", header, records, encoding="cp1252", quote_all=True
    )

    result = cli("settings", "import", doubled)

    assert result.exit_code == 1
    assert error_lines(result)[0] == "row 9: rejected: URN 121212 appears twice in the file"
    assert count(db, Setting) == 0


def test_it_refuses_a_gias_file_missing_columns_in_one_line(cli, db, tmp_path):
    header, records = gias_rows()
    header = [h for h in header if h not in ("Postcode", "LA (code)")]
    for record in records:
        del record["Postcode"], record["LA (code)"]
    trimmed = write_csv(tmp_path / "edubase.csv", header, records, quote_all=True)

    result = cli("settings", "import", trimmed)

    assert_one_line_error(result, "edubase.csv is missing the column(s): LA (code), Postcode")
    assert count(db, Setting) == 0


def test_it_refuses_a_file_that_is_not_a_gias_download(cli, db, tmp_path):
    roll = shutil.copy(ROLL, tmp_path / "roll.csv")

    result = cli("settings", "import", roll)

    assert_one_line_error(result, "is missing the column(s): URN, EstablishmentName")


def test_it_refuses_a_missing_file(cli, db, tmp_path):
    result = cli("settings", "import", tmp_path / "nowhere.csv")

    assert result.exit_code == 2
    assert error_lines(result)[-1] == (
        f"Error: Invalid value for 'FILE': no such file: {tmp_path / 'nowhere.csv'}"
    )
    assert "Traceback" not in result.output


def test_it_refuses_an_empty_file_in_one_line(cli, db, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\r\n")

    assert_one_line_error(cli("settings", "import", empty), "empty.csv is empty")


def test_it_refuses_a_file_in_neither_utf8_nor_windows_1252_in_one_line(cli, db, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_bytes(GIAS_CP1252.read_bytes().replace(b"\x92", b"\x81"))

    result = cli("settings", "import", broken)

    line = assert_one_line_error(
        result, "broken.csv is not a text file in UTF-8 or Windows-1252", "byte 1769"
    )
    assert "codec" not in line and str(tmp_path) not in line
    assert count(db, Setting) == 0


# --- contacts import --------------------------------------------------------------------------


@pytest.fixture
def york(db):
    return (
        create_setting(db, urn="121212", name="St Wilfrid's RC Primary School"),
        create_setting(db, urn="121345", name="Clifton Green Primary School"),
    )


CONTACT_HEADER = ["setting_urn", "role", "name", "email", "phone", "la_code"]


def contacts(db) -> list[tuple]:
    return [
        (k.setting_id, k.la_code, k.role, k.name, k.email, k.phone)
        for k in rows(db, KeyAdult, KeyAdult.id)
    ]


def test_it_imports_key_adults_and_a_council_coordinator(cli, db, york):
    wilfrids, clifton = york

    result = cli("contacts", "import", CONTACTS)

    assert result.exit_code == 0, result.output
    assert stdout_lines(result) == ["contacts: 6 accepted, 0 rejected"]
    s = "stwilfrids.york.sch.uk"
    assert contacts(db) == [
        (wilfrids.id, "816", "dsl", "Helen Carter", f"helen.carter@{s}", "+447911123456"),
        (wilfrids.id, "816", "deputy", "Siân O’Brien", f"sian.obrien@{s}", "+447911123457"),
        (wilfrids.id, "816", "head", "Mark Hughes", f"head@{s}", "+441904555101"),
        (
            wilfrids.id,
            "816",
            "holiday_cover",
            "Priya Shah",
            "priya.shah@york.gov.uk",
            "+447911123458",
        ),
        (
            None,
            "816",
            "coordinator",
            "Gwen Morgan",
            "operation.encompass@york.gov.uk",
            "+441904555999",
        ),
        (
            clifton.id,
            "816",
            "dsl",
            "Dafydd ap Gruffydd",
            "d.apgruffydd@cliftongreen.york.sch.uk",
            "+447911123459",
        ),
    ]


def test_it_rejects_bad_contacts_by_row_and_stores_none_of_them(cli, db, york, tmp_path):
    create_key_adult(db, york[0], name="Existing Dsl", phone="+447911100001")
    bad = write_csv(
        tmp_path / "contacts.csv",
        CONTACT_HEADER,
        [
            [
                "121212",
                "dsl",
                "Helen Carter",
                "helen.carter@school.example.org",
                "07911 123456",
                "",
            ],
            ["121212", "deputy", "No At Sign", "helen.carter.example.org", "07911 123457", ""],
            ["121212", "head", "Bad Phone", "head@school.example.org", "12345", ""],
            ["121212", "teacher", "Wrong Role", "teacher@school.example.org", "07911 123458", ""],
            ["999999", "dsl", "Unknown School", "dsl@nowhere.example.org", "07911 123459", ""],
            ["121212", "dsl", "No Phone", "nophone@school.example.org", "", ""],
            ["121212", "coordinator", "In A School", "coord@york.gov.uk", "01904 555999", "816"],
            ["", "coordinator", "No Council", "coord2@york.gov.uk", "01904 555998", ""],
            ["121212", "dsl", "", "noname@school.example.org", "07911 123460", ""],
        ],
    )

    result = cli("contacts", "import", bad)

    assert result.exit_code == 1
    lines = error_lines(result)
    assert [line.split(":")[0] for line in lines[:-1]] == [f"row {n}" for n in range(3, 11)]
    assert lines[0].startswith("row 3: rejected: email: ")
    assert lines[1] == "row 4: rejected: Enter a valid phone number, like +441234567890"
    assert lines[2].startswith("row 5: rejected: role must be one of dsl, deputy, head")
    assert "'teacher'" in lines[2]
    assert lines[3] == "row 6: rejected: no setting with URN '999999': import GIAS first"
    assert lines[4] == "row 7: rejected: a dsl needs a phone number for SMS alerts"
    assert "leave setting_urn empty" in lines[5]
    assert lines[6] == "row 9: rejected: a coordinator needs la_code"
    assert lines[7] == "row 10: rejected: name is empty"
    assert lines[-1].startswith("Error: 8 rows rejected in ")
    assert [c[3] for c in contacts(db)] == ["Existing Dsl"]


def test_it_asks_for_a_mobile_from_those_texted_first_and_takes_a_landline_from_the_rest(
    cli, db, york, tmp_path
):
    rows = [
        ["121212", "dsl", "Desk Phone", "dsl@school.example.org", "01904 555101", ""],
        ["121212", "deputy", "Desk Phone", "deputy@school.example.org", "01904 555102", ""],
        ["121212", "holiday_cover", "Desk", "cover@york.gov.uk", "01904 555103", ""],
        ["121212", "head", "Office Line", "head@school.example.org", "(01904) 555 101", ""],
        ["", "coordinator", "Council Line", "oe@york.gov.uk", "01904 555999", "816"],
    ]
    bad = write_csv(tmp_path / "contacts.csv", CONTACT_HEADER, rows)

    result = cli("contacts", "import", "--partial", bad)

    assert result.exit_code == 0, result.output
    mobile = "Enter a mobile number, like 07400 123456: alerts are sent by text message"
    assert error_lines(result) == [f"row {n}: rejected: {mobile}" for n in (2, 3, 4)]
    assert sorted(c[3] for c in contacts(db)) == ["Council Line", "Office Line"]


def test_it_rejects_a_coordinator_whose_la_code_is_a_council_name(cli, db, york, tmp_path):
    bad = write_csv(
        tmp_path / "contacts.csv",
        CONTACT_HEADER,
        [["", "coordinator", "Gwen Morgan", "encompass@york.gov.uk", "", "City of York Council"]],
    )

    result = cli("contacts", "import", bad)

    assert result.exit_code == 1
    assert error_lines(result)[0] == (
        "row 2: rejected: la_code 'City of York Council' is not an LA code, like 816"
    )
    assert count(db, KeyAdult) == 0


def test_it_imports_the_good_contacts_with_partial(cli, db, york, tmp_path):
    bad = write_csv(
        tmp_path / "contacts.csv",
        CONTACT_HEADER,
        [
            [
                "121212",
                "dsl",
                "Helen Carter",
                "helen.carter@school.example.org",
                "07911 123456",
                "",
            ],
            ["121212", "deputy", "Bad Phone", "deputy@school.example.org", "call the office", ""],
        ],
    )

    result = cli("contacts", "import", "--partial", bad)

    assert result.exit_code == 0, result.output
    assert error_lines(result) == ["row 3: rejected: Enter a phone number, like +441234567890"]
    assert [c[3] for c in contacts(db)] == ["Helen Carter"]


def test_it_updates_a_contact_on_reimport_and_asks_to_verify_a_changed_phone(
    cli, db, york, tmp_path
):
    assert cli("contacts", "import", CONTACTS).exit_code == 0
    helen = rows(db, KeyAdult)[0]
    helen.phone_verified_at = helen.created_at
    db.add(helen)
    db.commit()
    changed = write_csv(
        tmp_path / "contacts.csv",
        CONTACT_HEADER,
        [
            [
                "121212",
                "dsl",
                "Helen Carter-Jones",
                "Helen.Carter@stwilfrids.york.sch.uk",
                "07911 123499",
                "",
            ]
        ],
    )

    result = cli("contacts", "import", changed)

    assert result.exit_code == 0, result.output
    assert count(db, KeyAdult) == 6
    updated = next(k for k in rows(db, KeyAdult) if k.id == helen.id)
    assert (updated.name, updated.phone) == ("Helen Carter-Jones", "+447911123499")
    assert updated.phone_verified_at is None


def test_it_refuses_a_contacts_file_without_a_phone_column(cli, db, york, tmp_path):
    no_phone = write_csv(
        tmp_path / "contacts.csv",
        ["setting_urn", "role", "name", "email"],
        [["121212", "dsl", "Helen Carter", "helen@school.example.org"]],
    )

    assert_one_line_error(
        cli("contacts", "import", no_phone), "contacts.csv is missing the column(s): phone"
    )
    assert count(db, KeyAdult) == 0


# --- roll import ------------------------------------------------------------------------------

ROLL_HEADER = ["setting_urn", "given_name", "family_name", "date_of_birth", "postcode"]


def pupils(db) -> list[tuple]:
    return [
        (p.setting_id, p.given_name, p.family_name, p.date_of_birth, p.postcode)
        for p in rows(db, Pupil, Pupil.setting_id, Pupil.id)
    ]


def test_it_imports_a_roll_with_iso_and_uk_dates(cli, db, york):
    wilfrids, clifton = york

    result = cli("roll", "import", ROLL)

    assert result.exit_code == 0, result.output
    assert stdout_lines(result) == ["pupils: 6 accepted, 0 rejected"]
    assert pupils(db) == [
        (wilfrids.id, "Amelia", "Brown", date(2019, 4, 3), "YO1 7HH"),
        (wilfrids.id, "Siân", "O'Neill", date(2018, 9, 14), "YO31 7PB"),
        (wilfrids.id, "Seán", "Ó Briain", date(2017, 12, 1), "YO31 8JN"),
        (wilfrids.id, "Jack", "Smith", date(2017, 5, 5), "YO31 7PB"),
        (clifton.id, "Zoë", "Smith-Jones", date(2016, 2, 29), "YO30 6HX"),
        (clifton.id, "Jack", "Smith", date(2017, 5, 5), "YO31 7PB"),
    ]
    amelia, sian = rows(db, Pupil)[:2]
    assert (amelia.address, amelia.upn) == ("12 Low Street", "A123456789012")
    assert (sian.given_key, sian.family_key, sian.address) == (
        "sian",
        "oneill",
        "Flat 2, 5 Monkgate",
    )
    db.refresh(wilfrids)
    assert wilfrids.roll_imported_at is not None


def test_it_replaces_only_the_roll_of_the_settings_in_the_file(cli, db, york, tmp_path):
    wilfrids, clifton = york
    assert cli("roll", "import", ROLL).exit_code == 0
    new_roll = write_csv(
        tmp_path / "roll.csv",
        ROLL_HEADER,
        [
            ["121212", "Amelia", "Brown", "03/04/2019", "YO1 7HH"],
            ["121212", "Noah", "Williams", "2020-01-15", ""],
        ],
    )

    result = cli("roll", "import", new_roll)

    assert result.exit_code == 0, result.output
    assert pupils(db) == [
        (wilfrids.id, "Amelia", "Brown", date(2019, 4, 3), "YO1 7HH"),
        (wilfrids.id, "Noah", "Williams", date(2020, 1, 15), ""),
        (clifton.id, "Zoë", "Smith-Jones", date(2016, 2, 29), "YO30 6HX"),
        (clifton.id, "Jack", "Smith", date(2017, 5, 5), "YO31 7PB"),
    ]


def test_it_changes_no_roll_when_a_row_is_bad(cli, db, york, tmp_path):
    assert cli("roll", "import", ROLL).exit_code == 0
    before = pupils(db)
    bad = write_csv(
        tmp_path / "roll.csv",
        ROLL_HEADER,
        [
            ["121212", "Amelia", "Brown", "2019-04-03", "YO1 7HH"],
            ["121212", "Ruby", "Green", "31/02/2019", "YO1 7HH"],
            ["121212", "Leo", "Hall", "2019-13-01", "YO1 7HH"],
            ["121212", "Baby", "Future", "2099-01-01", "YO1 7HH"],
            ["121212", "R2", "D2", "2019-04-03", "YO1 7HH"],
            ["121212", "Ivy", "King", "2019-04-03", "NOT A PC"],
            ["999999", "Ava", "Lee", "2019-04-03", "YO1 7HH"],
            ["121345", "Mia", "Scott", "", "YO1 7HH"],
        ],
    )

    result = cli("roll", "import", bad)

    assert result.exit_code == 1
    lines = error_lines(result)
    assert lines[:-1] == [
        "row 3: rejected: date of birth: not a date (use YYYY-MM-DD or DD/MM/YYYY)",
        "row 4: rejected: date of birth: not a date (use YYYY-MM-DD or DD/MM/YYYY)",
        "row 5: rejected: date of birth: it is in the future",
        "row 6: rejected: forename: Name must only include letters, spaces, hyphens and "
        "apostrophes",
        "row 7: rejected: postcode: Enter a real UK postcode, like YO1 7HH",
        "row 8: rejected: no setting with URN 999999",
        "row 9: rejected: date of birth: not a date (use YYYY-MM-DD or DD/MM/YYYY)",
    ]
    assert lines[-1].startswith("Error: 7 rows rejected in ")
    assert pupils(db) == before
    assert all(p.given_name != "Ruby" for p in rows(db, Pupil))


def test_it_replaces_the_roll_with_the_good_rows_with_partial(cli, db, york, tmp_path):
    wilfrids, _ = york
    assert cli("roll", "import", ROLL).exit_code == 0
    bad = write_csv(
        tmp_path / "roll.csv",
        ROLL_HEADER,
        [
            ["121212", "Amelia", "Brown", "2019-04-03", "YO1 7HH"],
            ["121212", "Ruby", "Green", "31/02/2019", "YO1 7HH"],
        ],
    )

    result = cli("roll", "import", "--partial", bad)

    assert result.exit_code == 0, result.output
    assert [p[1] for p in pupils(db) if p[0] == wilfrids.id] == ["Amelia"]


def test_it_refuses_a_roll_without_a_date_of_birth_column(cli, db, york, tmp_path):
    no_dob = write_csv(
        tmp_path / "roll.csv",
        ["setting_urn", "given_name", "family_name", "postcode"],
        [["121212", "Amelia", "Brown", "YO1 7HH"]],
    )

    assert_one_line_error(
        cli("roll", "import", no_dob), "roll.csv is missing the column(s): date_of_birth"
    )


def test_it_shows_progress_on_a_large_roll(cli, db, york, tmp_path):
    big = write_csv(
        tmp_path / "roll.csv",
        ROLL_HEADER,
        [
            ["121212", "Pupil", "Number" + "abcdefghij"[n % 10], f"{1 + n % 28:02d}/04/2019", ""]
            for n in range(6000)
        ],
    )

    result = cli("roll", "import", big)

    assert result.exit_code == 0, result.output
    assert "Reading roll" in result.stderr
    assert stdout_lines(result) == ["pupils: 6000 accepted, 0 rejected"]
    assert count(db, Pupil) == 6000


def test_it_matches_a_live_notice_against_an_imported_roll(cli, db, york, client):
    from tests.factories import bearer, create_force, notice_body

    create_key_adult(db, york[0])
    assert cli("roll", "import", ROLL).exit_code == 0
    _, key = create_force(db)

    response = client.post(
        "/api/v1/notices",
        json=notice_body(
            child={
                "given_name": "Sian",
                "family_name": "O’Neill",
                "postcode": None,
                "date_of_birth": "2018-09-14",
            }
        ),
        headers=bearer(key),
    )

    assert response.get_json()["children"][0]["outcome"] == "matched"
    assert response.get_json()["children"][0]["setting"]["urn"] == "121212"


def test_it_replaces_a_roll_whose_pupils_were_matched_on_earlier_notices(cli, db, york, client):
    from tests.factories import bearer, create_force, notice_body

    create_key_adult(db, york[0])
    assert cli("roll", "import", ROLL).exit_code == 0
    _, key = create_force(db)
    response = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    assert response.get_json()["children"][0]["outcome"] == "matched"

    result = cli("roll", "import", ROLL)

    assert result.exit_code == 0, result.output
    assert count(db, Pupil) == 6
    assert rows(db, Child)[0].pupil_id is not None


# --- roll match -------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# (ref, outcome, setting_urn); each score is the engine's, 0.00 to 1.00.
EXPECTED_MATCH = [
    ("ENC-1", "matched", "121212"),  # exact
    ("ENC-2", "matched", "121212"),  # Sian O’Neill is Siân O'Neill on the roll
    ("ENC-3", "unmatched", ""),  # on no roll
    # The same Jack Smith on two schools' current rolls (imported together): nothing to
    # choose between them, so both are told (dual registration).
    ("ENC-4", "matched", "121212;121345"),
    ("ENC-5", "matched", "121212"),  # the family moved: name and date of birth single her out
    ("ENC-6", "unmatched", ""),  # date unreadable: missing; the names read, on no roll
    ("ENC-7", "matched", "121345"),  # Zoe Smith Jones is Zoë Smith-Jones
]


def outcomes(text: str) -> list[tuple[str, str, str]]:
    records = read_csv(text)
    for record in records:
        assert re.fullmatch(r"[01]\.\d\d", record["score"]), record
        assert 0 <= float(record["score"]) <= 1
        if record["outcome"] == "matched":
            assert float(record["score"]) > 0
    return [(r["ref"], r["outcome"], r["setting_urn"]) for r in records]


def test_it_matches_a_file_of_children_and_writes_the_outcomes(cli, db, york, tmp_path):
    assert cli("roll", "import", ROLL).exit_code == 0
    out = tmp_path / "outcomes.csv"

    result = cli("roll", "match", MATCH, "--out", out)

    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "ref,outcome,setting_urn,score"
    assert outcomes(text) == EXPECTED_MATCH
    assert result.stdout == ""
    assert error_lines(result) == ["roll match: 5 matched, 0 review, 2 unmatched"]


def test_it_writes_match_outcomes_to_standard_output_without_out(cli, db, york):
    assert cli("roll", "import", ROLL).exit_code == 0

    result = cli("roll", "match", MATCH)

    assert result.exit_code == 0, result.output
    assert outcomes(result.stdout) == EXPECTED_MATCH


def test_it_stores_nothing_when_matching(cli, db, york, tmp_path):
    assert cli("roll", "import", ROLL).exit_code == 0
    before = pupils(db)

    cli("roll", "match", MATCH, "--out", tmp_path / "out.csv")

    for model in (Notice, Child, Alert):
        assert count(db, model) == 0
    # The roll import is audited; the match leaves no trace.
    assert [e.action for e in rows(db, AuditEvent)] == ["pupils.imported"]
    assert pupils(db) == before


def test_it_refuses_a_match_file_without_a_ref_column(cli, db, york, tmp_path):
    no_ref = write_csv(
        tmp_path / "children.csv",
        ROLL_HEADER[1:],
        [["Amelia", "Brown", "2019-04-03", "YO1 7HH"]],
    )
    out = tmp_path / "out.csv"

    result = cli("roll", "match", no_ref, "--out", out)

    assert_one_line_error(result, "children.csv is missing the column(s): ref")
    assert not out.exists()


def test_it_matches_ignoring_accents_case_and_postcode_spacing(cli, db, york, tmp_path):
    create_pupil(db, york[1], given_name="Seán", family_name="Ó Briain", postcode="YO30 6HX")
    children = write_csv(
        tmp_path / "children.csv",
        ["ref", *ROLL_HEADER[1:]],
        [["X1", "Sean", "O Briain", "2019-04-03", "yo30 6hx"]],
    )

    result = cli("roll", "match", children)

    assert outcomes(result.stdout) == [("X1", "matched", "121345")]


def test_it_says_in_one_line_when_it_cannot_write_the_outcomes(cli, db, york, tmp_path):
    out = tmp_path / "no-such-folder" / "outcomes.csv"

    result = cli("roll", "match", MATCH, "--out", out)

    assert_one_line_error(result, f"cannot write {out}: No such file or directory")
