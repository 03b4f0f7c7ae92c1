"""The coordinator's roll upload: a CTF or a MIS export, progress, and rejected rows."""

import io
from pathlib import Path

from sqlmodel import select

from encompass.models import AuditEvent, ImportJob, Pupil
from tests.factories import create_setting, create_user
from tests.helpers import csrf_token, sign_in

DATA = Path(__file__).resolve().parents[1] / "data"
COORDINATOR = "coordinator@york.example.gov.uk"


def _coordinator(db, client):
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    sign_in(client, COORDINATOR)


def _upload(client, content: bytes, name: str, **fields: str):
    page = client.get("/admin/rolls/import").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), **fields, "file": (io.BytesIO(content), name)}
    return client.post("/admin/rolls/import", data=data, content_type="multipart/form-data")


def test_it_imports_a_schools_ctf_uploaded_by_its_coordinator(make_app, db):
    client = make_app(IMPORT_JOBS_INLINE=True).test_client()
    create_setting(db, urn="121212", la_code="816")
    _coordinator(db, client)

    response = _upload(client, (DATA / "ctf_st_wilfrids.xml").read_bytes(), "ctf.xml")

    assert response.status_code == 302
    job = db.exec(select(ImportJob)).one()
    assert (job.kind, job.status, job.accepted) == ("roll", "finished", 3)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import finished" in page and "3 pupils imported" in page
    assert len(db.exec(select(Pupil)).all()) == 3
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "pupils.imported")).one()


def test_it_shows_the_rejected_rows_of_a_mis_export_and_imports_nothing(make_app, db):
    client = make_app(IMPORT_JOBS_INLINE=True).test_client()
    create_setting(db, urn="121212", la_code="816")
    _coordinator(db, client)
    bad = (DATA / "mis_export_sims.csv").read_bytes().replace(b"05-May-2017", b"5th May")

    _upload(client, bad, "sims export.csv", setting_urn="121212")

    job = db.exec(select(ImportJob)).one()
    page = client.get(f"/admin/imports/{job.id}").get_data(as_text=True)
    assert "1 rows rejected: nothing was imported" in page
    assert "date of birth: not a date" in page
    assert "5th May" not in page and "instance" not in page
    assert db.exec(select(Pupil)).all() == []


def test_it_does_not_import_the_roll_of_a_setting_in_another_council(make_app, db):
    client = make_app(IMPORT_JOBS_INLINE=True).test_client()
    create_setting(db, urn="121212", la_code="383")
    _coordinator(db, client)

    _upload(client, (DATA / "ctf_st_wilfrids.xml").read_bytes(), "ctf.xml")

    job = db.exec(select(ImportJob)).one()
    assert job.status == "failed" or job.accepted == 0
    page = client.get(f"/admin/imports/{job.id}").get_data(as_text=True)
    assert "no setting with URN 121212 in your council" in page
    assert db.exec(select(Pupil)).all() == []


def test_it_asks_for_a_roll_file(client, db):
    _coordinator(db, client)
    page = client.get("/admin/rolls/import").get_data(as_text=True)

    response = client.post("/admin/rolls/import", data={"csrf_token": csrf_token(page)})

    assert response.status_code == 400
    assert "Select a roll file" in response.get_data(as_text=True)


def test_a_large_roll_reports_progress_as_it_goes_and_finishes(make_app, db):
    client = make_app(IMPORT_JOBS_INLINE=True).test_client()
    create_setting(db, urn="121212", la_code="816")
    _coordinator(db, client)
    lines = ["Surname,Forename,DOB,Postcode"] + [
        f"Pupil{'abcdefghij'[n % 10]}{'klmnopqrst'[n // 10 % 10]},Sam,{1 + n % 28:02d}/04/2019,"
        for n in range(2500)
    ]

    _upload(client, "\n".join(lines).encode(), "big.csv", setting_urn="121212")

    job = db.exec(select(ImportJob)).one()
    assert (job.status, job.accepted, job.processed_rows) == ("finished", 2500, 2500)
    assert len(db.exec(select(Pupil)).all()) == 2500
