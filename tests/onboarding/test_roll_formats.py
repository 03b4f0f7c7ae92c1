"""`encompass roll import` with the files schools have: CTF XML, MIS and census CSVs.

The CTF's element structure is the DfE's (CTfile/Header/SourceSchool, CTFpupilData/Pupil
with BasicDetails and Address as BS7666Address or AddressLines); the pupils are fictional.
"""

from __future__ import annotations

import zipfile
from datetime import date

import pytest

from encompass.models import Pupil, Setting
from tests.cli_helpers import DATA, assert_one_line_error, error_lines, make_cli, rows, write_csv
from tests.factories import create_setting

CTF = DATA / "ctf_st_wilfrids.xml"
MIS = DATA / "mis_export_sims.csv"
CENSUS = DATA / "census_laestab.csv"
GIAS = DATA / "gias_york_cp1252.csv"


@pytest.fixture
def cli(app, monkeypatch):
    return make_cli(app, monkeypatch)


def pupils(db) -> list[tuple]:
    return [
        (p.setting_id, p.given_name, p.family_name, p.date_of_birth, p.postcode, p.address, p.upn)
        for p in rows(db, Pupil, Pupil.id)
    ]


def _urns(db) -> dict[int, str]:
    return {s.id: s.urn for s in rows(db, Setting)}


def test_it_imports_a_common_transfer_file_for_the_school_in_its_header(cli, db):
    wilfrids = create_setting(db, urn="121212", la_code="816")

    result = cli("roll", "import", CTF)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "pupils: 3 accepted, 0 rejected"
    assert pupils(db) == [
        (
            wilfrids.id,
            "Amelia Rose",
            "Brown",
            date(2019, 4, 3),
            "YO1 7HH",
            "12, Low Street, York, York",
            "A123456789012",
        ),
        (
            wilfrids.id,
            "Siân",
            "O'Neill",
            date(2018, 9, 14),
            "YO31 7PB",
            "Flat 2, 5 Monkgate, York",
            "B123456789013",
        ),
        (wilfrids.id, "Jack", "Smith", date(2017, 5, 5), "", "", "C123456789014"),
    ]


def test_it_finds_the_school_of_a_ctf_by_la_and_establishment_number(cli, db, tmp_path):
    assert cli("settings", "import", GIAS).exit_code == 0
    no_urn = tmp_path / "from-sims.xml"
    no_urn.write_text(CTF.read_text().replace("<URN>121212</URN>", ""))

    result = cli("roll", "import", no_urn)

    assert result.exit_code == 0, result.output
    assert {_urns(db)[p.setting_id] for p in rows(db, Pupil)} == {"121212"}


def test_it_refuses_a_ctf_with_a_bad_pupil_and_names_the_pupil_not_the_child(cli, db, tmp_path):
    create_setting(db, urn="121212", la_code="816")
    bad = tmp_path / "ctf.xml"
    bad.write_text(CTF.read_text().replace("<DOB>2018-09-14</DOB>", "<DOB>14th Sept</DOB>"))

    result = cli("roll", "import", bad)

    assert result.exit_code == 1
    lines = error_lines(result)
    assert lines[0] == (
        "pupil 2: rejected: date of birth: not a date (use YYYY-MM-DD or DD/MM/YYYY)"
    )
    assert lines[-1] == (
        "Error: 1 pupils rejected in ctf.xml: nothing was imported (fix the pupils, or use "
        "--partial to import the good ones)"
    )
    assert "O'Neill" not in result.output and "Siân" not in result.output
    assert pupils(db) == []


def test_it_refuses_xml_with_entities_without_expanding_them(cli, db, tmp_path):
    create_setting(db, urn="121212", la_code="816")
    bomb = tmp_path / "ctf.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE CTfile [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        "<CTfile><Header><SourceSchool><URN>121212</URN></SourceSchool></Header>"
        "<CTFpupilData><Pupil><Surname>&b;</Surname></Pupil></CTFpupilData></CTfile>"
    )

    assert_one_line_error(
        cli("roll", "import", bomb), "ctf.xml is not a readable Common Transfer File (XML)"
    )
    assert pupils(db) == []


def test_it_imports_a_mis_export_with_its_own_headers_and_dates_for_the_setting_given(cli, db):
    wilfrids = create_setting(db, urn="121212", la_code="816")

    assert_one_line_error(
        cli("roll", "import", MIS),
        "mis_export_sims.csv does not say which setting it is for: give the setting's URN "
        "(--setting URN)",
    )
    result = cli("roll", "import", MIS, "--setting", "121212")

    assert result.exit_code == 0, result.output
    assert [(p[1], p[2], p[3], p[4]) for p in pupils(db)] == [
        ("Amelia", "Brown", date(2019, 4, 3), "YO1 7HH"),  # Excel's 2019-04-03 00:00:00
        ("Siân", "O'Neill", date(2018, 9, 14), "YO31 7PB"),
        ("Jack", "Smith", date(2017, 5, 5), "YO31 7PB"),  # 05-May-2017
        ("Seán", "Ó Briain", date(2017, 12, 1), "YO31 8JN"),
    ]
    assert {p[0] for p in pupils(db)} == {wilfrids.id}


def test_it_imports_a_census_file_that_names_schools_by_laestab(cli, db):
    assert cli("settings", "import", GIAS).exit_code == 0

    result = cli("roll", "import", CENSUS)

    assert result.exit_code == 0, result.output
    assert sorted((_urns(db)[p.setting_id], p.given_name) for p in rows(db, Pupil)) == [
        ("121212", "Amelia"),
        ("121212", "Jack"),
        ("121700", "Zoë"),
    ]


def test_it_says_which_laestab_it_does_not_know(cli, db, tmp_path):
    create_setting(db, urn="121212", la_code="816")
    census = write_csv(
        tmp_path / "census.csv",
        ["LAEstab", "Surname", "Forename", "DOB", "Postcode"],
        [["8169999", "Brown", "Amelia", "2019-04-03", "YO1 7HH"]],
    )

    result = cli("roll", "import", census)

    assert error_lines(result)[0] == (
        "row 2: rejected: no setting with LAEstab 8169999 (import the council's GIAS file first)"
    )


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2014-03-01", date(2014, 3, 1)),
        ("01/03/2014", date(2014, 3, 1)),
        ("2014-03-01 00:00:00", date(2014, 3, 1)),
        ("01/03/2014 00:00", date(2014, 3, 1)),
        ("01-Mar-2014", date(2014, 3, 1)),
        ("1 March 2014", date(2014, 3, 1)),
        ("2014-03-01T00:00:00", date(2014, 3, 1)),
        ("Saturday 1st March 2014", date(2014, 3, 1)),
    ],
)
def test_it_reads_the_date_formats_mis_exports_use(text, day):
    from encompass.files.csvfile import parse_date

    assert parse_date(text) == day


def test_it_asks_for_a_csv_when_given_a_spreadsheet(cli, db, tmp_path):
    create_setting(db, urn="121212", la_code="816")
    workbook = tmp_path / "roll.xlsx"
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")

    assert_one_line_error(
        cli("roll", "import", workbook, "--setting", "121212"),
        "roll.xlsx is a spreadsheet (Excel or similar), not a CSV file: save it as CSV",
    )


def test_it_finds_the_header_below_a_reports_title(cli, db, tmp_path):
    create_setting(db, urn="121212", la_code="816")
    report = tmp_path / "student list.csv"
    report.write_text(
        "Student List,,,\nPrinted 30/11/2026,,,\n,,,\nSurname,Forename,DOB,Postcode\n"
        "Brown,Amelia,03/04/2019,YO1 7HH\nSmith,Jack,31/02/2017,YO31 7PB\n"
    )

    result = cli("roll", "import", report, "--setting", "121212")

    assert error_lines(result)[0] == (
        "row 6: rejected: date of birth: not a date (use YYYY-MM-DD or DD/MM/YYYY)"
    )
