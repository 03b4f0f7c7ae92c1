"""Settings GIAS does not have: `encompass settings add` and the page; GIAS as downloaded."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from sqlmodel import select

from encompass.models import AuditEvent, Pupil, Setting
from tests.cli_helpers import DATA, assert_one_line_error, make_cli, rows, write_csv
from tests.factories import create_setting, create_user
from tests.helpers import csrf_token, sign_in

COORDINATOR = "coordinator@york.example.gov.uk"
GIAS = DATA / "gias_york_cp1252.csv"


@pytest.fixture
def cli(app, monkeypatch):
    return make_cli(app, monkeypatch)


def _settings(db) -> dict[str, Setting]:
    return {s.urn: s for s in rows(db, Setting)}


def test_it_adds_an_ofsted_early_years_provider_and_imports_its_roll(cli, db, tmp_path):
    result = cli(
        "settings", "add", "ey234567", "Little Acorns Day Nursery", "--la", "816",
        "--kind", "early_years", "--postcode", "yo24 1hr",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "added early years setting EY234567 'Little Acorns Day Nursery'"
    nursery = _settings(db)["EY234567"]
    assert (nursery.kind, nursery.la_code, nursery.postcode) == ("early_years", "816", "YO24 1HR")
    roll = write_csv(
        tmp_path / "nursery.csv",
        ["Surname", "Forename", "DOB", "Postcode"],
        [["Brown", "Ava", "2023-02-01", "YO24 1HR"]],
    )
    assert cli("roll", "import", roll, "--setting", "EY234567").exit_code == 0
    assert [p.setting_id for p in rows(db, Pupil)] == [nursery.id]


def test_it_adds_a_six_digit_urn_and_updates_it_when_added_again(cli, db):
    assert cli("settings", "add", "150001", "New Free School", "--la", "816", "--kind", "school")
    result = cli(
        "settings", "add", "150001", "Riverside Free School", "--la", "816", "--kind", "school"
    )

    assert result.output.strip() == "updated school setting 150001 'Riverside Free School'"
    assert _settings(db)["150001"].name == "Riverside Free School"
    assert len(db.exec(select(AuditEvent).where(AuditEvent.object_type == "setting")).all()) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["E1234", "Nursery", "--la", "816", "--kind", "early_years"], "Enter the URN"),
        (["EY234567", "Nursery", "--la", "York", "--kind", "early_years"], "--la: Enter the"),
        (
            ["EY234567", "Nursery", "--la", "816", "--kind", "early_years", "--postcode", "X"],
            "--postcode: Enter a real UK postcode",
        ),
    ],
)
def test_it_refuses_a_setting_it_cannot_add_in_one_line(cli, db, args, message):
    assert_one_line_error(cli("settings", "add", *args), message)
    assert rows(db, Setting) == []


def test_it_refuses_a_kind_that_is_not_a_setting(cli, db):
    result = cli("settings", "add", "EY234567", "Team", "--la", "816", "--kind", "fallback")

    assert result.exit_code == 2 and "'fallback' is not one of" in result.output


def test_a_coordinator_adds_an_early_years_setting_on_the_page(client, db):
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    sign_in(client, COORDINATOR)
    page = client.get("/admin/settings/new").get_data(as_text=True)

    bad = client.post(
        "/admin/settings/new",
        data={"csrf_token": csrf_token(page), "urn": "12", "name": "Acorns", "kind": "early_years"},
    )
    response = client.post(
        "/admin/settings/new",
        data={
            "csrf_token": csrf_token(page),
            "urn": "EY 234567",
            "name": "Little Acorns Day Nursery",
            "kind": "early_years",
            "postcode": "YO24 1HR",
        },
    )

    assert bad.status_code == 400
    assert "Enter the URN: six digits, or EY and six digits" in bad.get_data(as_text=True)
    nursery = _settings(db)["EY234567"]
    assert response.headers["Location"] == f"/admin/settings/{nursery.id}"
    assert (nursery.kind, nursery.la_code) == ("early_years", "816")


def test_a_coordinator_cannot_take_over_another_councils_setting(client, db):
    create_setting(db, urn="107999", la_code="383")
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    sign_in(client, COORDINATOR)
    page = client.get("/admin/settings/new").get_data(as_text=True)

    response = client.post(
        "/admin/settings/new",
        data={"csrf_token": csrf_token(page), "urn": "107999", "name": "X", "kind": "school"},
    )

    assert response.status_code == 400
    assert "107999 is a setting in another council" in response.get_data(as_text=True)
    assert _settings(db)["107999"].la_code == "383"


# --- GIAS as downloaded -----------------------------------------------------------------------


def _gias_variant(tmp_path, extra: list[dict[str, str]]):
    raw = GIAS.read_bytes().decode("cp1252")
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    header = list(reader.fieldnames or [])
    records = list(reader)
    template = records[0]
    for values in extra:
        records.append({**template, **values})
    return write_csv(tmp_path / "edubasealldata20261130.csv", header, records, quote_all=True)


def test_it_imports_the_zip_as_downloaded_with_kinds_and_establishment_numbers(cli, db, tmp_path):
    def est(urn, name, type_name, status="Open", phase="Not applicable", number="7001"):
        return {
            "URN": urn,
            "EstablishmentName": name,
            "TypeOfEstablishment (name)": type_name,
            "EstablishmentStatus (name)": status,
            "PhaseOfEducation (name)": phase,
            "EstablishmentNumber": number,
        }

    csv_path = _gias_variant(
        tmp_path,
        [
            est("150101", "York College", "Further education", phase="16 plus"),
            est("150102", "Hob Moor Oaks School", "Community special school", number="7002"),
            est("150103", "York Pupil Referral Unit", "Pupil referral unit", number="1100"),
            est("150104", "Askham Bryan Sixth Form", "Academy 16-19 converter", number="4001"),
            est("150105", "Training Provider Ltd", "Miscellaneous"),
            est("150106", "New Primary", "Free schools", status="Proposed to open"),
            est("150107", "Some University", "Higher education institutions"),
        ],
    )
    download = tmp_path / "extract.zip"
    with zipfile.ZipFile(download, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(csv_path, "edubasealldata20261130.csv")
        archive.writestr("links_edubasealldata20261130.csv", '"URN","LinkURN"\n"1","2"\n')

    result = cli("settings", "import", download)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "settings: 10 accepted, 0 rejected, 4 skipped (1 closed, 2 not a setting, "
        "1 proposed to open)"
    )
    settings = _settings(db)
    kinds = {urn: settings[urn].kind for urn in ("150101", "150102", "150103", "150104")}
    assert kinds == {
        "150101": "college",
        "150102": "special",
        "150103": "alternative_provision",
        "150104": "college",
    }
    assert settings["121100"].kind == "early_years"
    assert settings["121212"].establishment_number == "3301"
    assert not {"150105", "150106", "150107"} & set(settings)


def test_it_refuses_a_zip_without_a_csv_in_one_line(cli, db, tmp_path):
    download = tmp_path / "extract.zip"
    with zipfile.ZipFile(download, "w") as archive:
        archive.writestr("readme.txt", "nothing here")

    assert_one_line_error(
        cli("settings", "import", download), "extract.zip is a zip file with no CSV file in it"
    )


def _upload_gias(client, content: bytes, name: str):
    page = client.get("/admin/settings").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "file": (io.BytesIO(content), name)}
    return client.post("/admin/settings/import", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\r\n", "edubasealldata.csv is empty"),
        (
            GIAS.read_bytes().replace(b"\x92", b"\x9d"),
            "edubasealldata.csv is not a text file in UTF-8 or Windows-1252",
        ),
        (b"PK\x03\x04 not really a zip", "edubasealldata.csv is not a readable zip file"),
    ],
)
def test_gias_upload_errors_name_the_file_not_our_server(make_app, db, content, message):
    client = make_app(IMPORT_JOBS_INLINE=True).test_client()
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    sign_in(client, COORDINATOR)

    response = _upload_gias(client, content, "edubasealldata.csv")

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert "instance" not in page and "codec" not in page and "upload-" not in page
