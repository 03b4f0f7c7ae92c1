"""Coordinator pages: GIAS import, Key Adults, phone verification, training, coverage."""

import io
from datetime import date, timedelta

import time_machine
from sqlmodel import select

from encompass.db import utcnow
from encompass.models import (
    Alert,
    AuditEvent,
    Child,
    Delivery,
    ImportJob,
    KeyAdult,
    PhoneVerification,
    Setting,
)
from encompass.onboarding.import_jobs import progress_text, status_of
from encompass.onboarding.phone_verification import code_hash
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

COORDINATOR = "coordinator@york.example.gov.uk"
GIAS = (
    '"URN","LA (code)","LA (name)","EstablishmentName","TypeOfEstablishment (name)",'
    '"PhaseOfEducation (name)","EstablishmentStatus (name)","Postcode"\n'
    '"121212","816","York","St Wilfrid\'s RC Primary School","Voluntary aided school",'
    '"Primary","Open","YO31 7PB"\n'
    '"121214","816","York","Oaklands Junior School","Community school","Primary","Closed",""\n'
    '"107999","383","Leeds","Leeds Nursery School","Nursery school","Nursery","Open","LS6 2AA"\n'
)


def _coordinator(db, client):
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    sign_in(client, COORDINATOR)


def _import(client, text: str, **extra: str):
    page = client.get("/admin/settings").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), **extra}
    data["file"] = (io.BytesIO(text.encode("cp1252")), "edubasealldata.csv")
    return client.post("/admin/settings/import", data=data, content_type="multipart/form-data")


def test_it_imports_the_councils_settings_from_gias_on_the_page(make_app, db):
    client = make_app(IMPORT_JOBS_INLINE=True).test_client()
    _coordinator(db, client)

    response = _import(client, GIAS)

    assert response.status_code == 302
    job = db.exec(select(ImportJob)).one()
    assert response.headers["Location"] == f"/admin/imports/{job.id}"
    assert (job.status, job.accepted, job.skipped, job.total_rows) == ("finished", 1, 2, 3)
    assert [s.urn for s in db.exec(select(Setting))] == ["121212"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import finished" in page and "1 settings imported" in page
    status = client.get(f"/admin/imports/{job.id}/status").get_json()
    assert status["status"] == "finished" and status["processed_rows"] == 3


def test_it_imports_nothing_from_a_file_with_a_rejected_row_unless_asked(make_app, db):
    client = make_app(IMPORT_JOBS_INLINE=True).test_client()
    _coordinator(db, client)
    bad = GIAS + '"12X","816","York","Broken","Community school","Primary","Open",""\n'

    _import(client, bad)
    first = db.exec(select(ImportJob)).one()
    _import(client, bad, partial="y")

    page = client.get(f"/admin/imports/{first.id}").get_data(as_text=True)
    assert "nothing was imported" in page and "is not 5 to 8 digits" in page
    assert [s.urn for s in db.exec(select(Setting))] == ["121212"]


def test_it_asks_for_a_csv_file(client, db):
    _coordinator(db, client)
    page = client.get("/admin/settings").get_data(as_text=True)

    response = client.post("/admin/settings/import", data={"csrf_token": csrf_token(page)})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error: Settings" in html and 'href="#file"' in html


def test_it_searches_settings_by_name_urn_or_postcode_in_the_council_only(client, db):
    create_setting(db, postcode="YO31 7PB")
    create_setting(db, urn="121345", name="Clifton Green Primary School", postcode="YO30 6HU")
    create_setting(db, urn="999001", name="Leeds Wilfrid School", la_code="383")
    _coordinator(db, client)

    by_name = client.get("/admin/settings?q=wilfrid").get_data(as_text=True)
    by_urn = client.get("/admin/settings?q=121345").get_data(as_text=True)
    by_postcode = client.get("/admin/settings?q=yo306").get_data(as_text=True)

    assert "St Wilfrid" in by_name and "Leeds" not in by_name and "Clifton" not in by_name
    assert "Clifton" in by_urn and "Wilfrid" not in by_urn
    assert "Clifton" in by_postcode


def test_it_hides_another_councils_setting(client, db):
    leeds = create_setting(db, urn="999001", name="Leeds school", la_code="383")
    _coordinator(db, client)

    assert client.get(f"/admin/settings/{leeds.id}").status_code == 404
    assert client.get(f"/admin/settings/{leeds.id}/key-adults/new").status_code == 404


def test_it_adds_key_adults_and_needs_a_mobile_for_a_dsl(client, db):
    setting = create_setting(db)
    _coordinator(db, client)
    url = f"/admin/settings/{setting.id}/key-adults/new"
    token = csrf_token(client.get(url).get_data(as_text=True))
    person = {"role": "dsl", "name": "Helen Carter", "email": "Helen@School.example.org"}

    missing = client.post(url, data={**person, "phone": "", "csrf_token": token})
    added = client.post(url, data={**person, "phone": "07911 123456", "csrf_token": token})

    assert missing.status_code == 400
    assert "Enter a mobile number" in missing.get_data(as_text=True)
    assert added.status_code == 302
    adult = db.exec(select(KeyAdult)).one()
    assert (adult.role, adult.email, adult.phone) == (
        "dsl",
        "Helen@school.example.org",
        "+447911123456",
    )
    assert adult.la_code == "816" and adult.phone_verified_at is None
    page = client.get(f"/admin/settings/{setting.id}").get_data(as_text=True)
    assert "Helen Carter" in page and "Not verified" in page


def test_it_takes_the_hints_example_mobile_and_refuses_a_landline(client, db):
    from encompass.admin.forms import KeyAdultForm
    from encompass.models.fields import MOBILE_EXAMPLE

    setting = create_setting(db)
    _coordinator(db, client)
    url = f"/admin/settings/{setting.id}/key-adults/new"
    page = client.get(url).get_data(as_text=True)
    token = csrf_token(page)
    assert MOBILE_EXAMPLE in page and MOBILE_EXAMPLE in str(
        KeyAdultForm.phone.kwargs["description"]
    )
    person = {"role": "dsl", "name": "Helen Carter", "email": "helen@school.example.org"}

    landline = client.post(url, data={**person, "phone": "0121 234 5678", "csrf_token": token})
    example = client.post(url, data={**person, "phone": MOBILE_EXAMPLE, "csrf_token": token})

    assert landline.status_code == 400
    assert "Enter a mobile number, like 07400 123456" in landline.get_data(as_text=True)
    assert example.status_code == 302
    assert db.exec(select(KeyAdult)).one().phone == "+447400123456"


def test_it_refuses_the_same_person_as_a_second_key_adult(client, db):
    setting = create_setting(db)
    _coordinator(db, client)
    url = f"/admin/settings/{setting.id}/key-adults/new"
    token = csrf_token(client.get(url).get_data(as_text=True))
    helen = {"name": "Helen Carter", "email": "helen@school.example.org", "phone": "07400 123456"}
    assert client.post(url, data={**helen, "role": "dsl", "csrf_token": token}).status_code == 302

    same_email = client.post(
        url, data={**helen, "role": "deputy", "phone": "07400 123457", "csrf_token": token}
    )
    same_phone = client.post(
        url,
        data={**helen, "role": "head", "email": "head@school.example.org", "csrf_token": token},
    )

    assert same_email.status_code == 400 and same_phone.status_code == 400
    assert "Helen Carter already has this email address here" in (
        same_email.get_data(as_text=True).replace("&#39;", "'")
    )
    assert "Helen Carter already has this mobile number here" in same_phone.get_data(as_text=True)
    assert len(db.exec(select(KeyAdult)).all()) == 1


def _verify_page(client, db):
    setting = create_setting(db)
    adult = create_key_adult(db, setting, phone="+447911123456")
    _coordinator(db, client)
    url = f"/admin/key-adults/{adult.id}/verify"
    token = csrf_token(client.get(url).get_data(as_text=True))
    return adult, url, token


def _sent_code(db) -> str:
    sms = db.exec(select(Delivery).order_by(Delivery.id.desc())).first()
    return sms.body.split("code is ")[1][:6]


def test_it_verifies_a_phone_with_a_code_sent_by_sms_and_keeps_only_its_hash(client, db, app):
    adult, url, token = _verify_page(client, db)

    client.post(url + "/send", data={"csrf_token": token})
    sms = db.exec(select(Delivery)).one()
    code = _sent_code(db)
    verification = db.exec(select(PhoneVerification)).one()
    assert (sms.channel, sms.reason, sms.to_address) == ("sms", "phone_verification", adult.phone)
    assert sms.alert_id is None and "Operation Encompass" in sms.body
    assert code not in verification.code_hash
    assert verification.code_hash == code_hash(
        app.config["SECRET_KEY"], adult.id, adult.phone, code
    )

    sms.status = "sent"
    db.add(sms)
    db.commit()
    response = client.post(url, data={"code": code, "csrf_token": token})

    assert response.status_code == 302
    db.refresh(adult)
    db.refresh(sms)
    assert adult.phone_verified_at is not None
    assert code not in sms.body  # nothing keeps the used code readable
    actions = [e.action for e in db.exec(select(AuditEvent))]
    assert "phone_verification.sent" in actions and "phone_verification.verified" in actions


def test_it_stops_accepting_codes_after_five_wrong_tries(client, db):
    adult, url, token = _verify_page(client, db)
    client.post(url + "/send", data={"csrf_token": token})
    code = _sent_code(db)
    wrong = "000000" if code != "000000" else "111111"

    answers = [client.post(url, data={"code": wrong, "csrf_token": token}) for _ in range(5)]
    last = client.post(url, data={"code": code, "csrf_token": token})

    assert all(a.status_code == 400 for a in answers)
    assert "1 tries left" in answers[3].get_data(as_text=True)
    assert "Too many wrong codes" in last.get_data(as_text=True)
    db.refresh(adult)
    assert adult.phone_verified_at is None


def test_it_refuses_an_expired_code(client, db):
    adult, url, token = _verify_page(client, db)
    client.post(url + "/send", data={"csrf_token": token})
    code = _sent_code(db)

    with time_machine.travel(utcnow() + timedelta(minutes=11), tick=False):
        response = client.post(url, data={"code": code, "csrf_token": token})

    assert "The code has expired" in response.get_data(as_text=True)


def test_it_records_training_and_coverage_shows_it_expired(client, db):
    setting = create_setting(db, roll_imported_at=utcnow())
    dsl = create_key_adult(db, setting, "dsl", "Helen Carter")
    create_key_adult(db, setting, "deputy", "Raj Patel", phone="+447911100002")
    _coordinator(db, client)
    url = f"/admin/key-adults/{dsl.id}/training"
    token = csrf_token(client.get(url).get_data(as_text=True))
    long_ago = date.today() - timedelta(days=3 * 365)

    response = client.post(
        url,
        data={
            "completed_on-day": str(long_ago.day),
            "completed_on-month": str(long_ago.month),
            "completed_on-year": str(long_ago.year),
            "csrf_token": token,
        },
    )

    assert response.status_code == 302
    db.refresh(dsl)
    assert dsl.training_completed_on == long_ago
    assert dsl.training_expires_on == long_ago.replace(year=long_ago.year + 2)
    coverage = client.get("/admin/coverage").get_data(as_text=True)
    assert "training expired for 1 Key Adult" in coverage


def test_it_shows_failing_contacts_on_coverage_and_needs_attention(client, db):
    setting = create_setting(db)
    adult = create_key_adult(db, setting)
    adult.contact_failed_at = utcnow()
    adult.contact_failure = "Twilio 21211: not a valid phone number"
    db.add(adult)
    db.commit()
    _coordinator(db, client)

    coverage = client.get("/admin/coverage").get_data(as_text=True)
    attention = client.get("/admin/attention").get_data(as_text=True)

    assert "1 contact failing" in coverage
    assert "Helen Carter" in attention and "not a valid phone number" in attention


def test_it_lists_escalated_and_overdue_alerts_needing_attention(client, db):
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _, key = create_force(db)
    client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    alert = db.exec(select(Alert)).one()
    alert.escalated_at = utcnow()
    db.add(alert)
    db.commit()
    _coordinator(db, client)

    page = client.get("/admin/attention").get_data(as_text=True)

    assert "Escalated" in page and "Amelia Brown" in page


def test_it_reports_timeliness_and_offers_csv(client, db):
    setting = create_setting(db)
    create_key_adult(db, setting)
    for i, name in enumerate(["Amelia", "Oliver", "Ruby"]):
        create_pupil(db, setting, given_name=name, date_of_birth=date(2018, 1, 1 + i))
    _, key = create_force(db)
    for i, name in enumerate(["Amelia", "Oliver", "Ruby"]):
        body = notice_body(
            police_reference=f"NY-{i}",
            child={"given_name": name, "date_of_birth": f"2018-01-0{1 + i}"},
        )
        client.post("/api/v1/notices", json=body, headers=bearer(key))
    rows = db.exec(select(Alert, Child).join(Child)).all()
    for minutes, (alert, child) in zip((30, 90, None), sorted(rows, key=lambda r: r[1].given_name)):
        # Created three hours ago, due an hour later: Amelia's and Oliver's deadlines passed.
        alert.created_at = utcnow() - timedelta(hours=3)
        alert.due_by = alert.created_at + timedelta(minutes=60)
        if minutes is not None:
            alert.acknowledged_at = alert.created_at + timedelta(minutes=minutes)
        else:
            alert.due_by = utcnow() + timedelta(days=1)  # Ruby's has not: not late yet
        db.add(alert)
    db.commit()
    _coordinator(db, client)

    page = client.get("/admin/reports").get_data(as_text=True)
    summary = client.get("/admin/reports/summary.csv").get_data(as_text=True)
    weekly = client.get("/admin/reports/weekly.csv")

    assert "(1 of 2 alerts whose deadline has passed; 1 not due yet)" in page
    assert "30 minutes" in page and "1 hour 30 minutes" in page
    assert "median_minutes_to_acknowledge,30.0" in summary
    assert "p90_minutes_to_acknowledge,90.0" in summary
    assert "notices,3" in summary and "children,3" in summary
    assert weekly.mimetype == "text/csv"
    assert weekly.get_data(as_text=True).splitlines()[-1].endswith(",3,3,0")
    # Weekly notices, escalations, holidays, and repeat and holiday-period notices by month.
    assert page.count('<svg class="app-chart"') == 4


def test_it_counts_children_by_their_outcome_when_the_notice_arrived(client, db):
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    other = create_setting(db, urn="121345", name="Clifton Green Primary School")
    create_pupil(db, other)  # Amelia on two rolls: the council decides
    _, key = create_force(db)
    client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    child = db.exec(select(Child)).one()
    assert child.outcome == "review"
    child.outcome = "matched"  # as the council's decision leaves it
    db.add(child)
    db.commit()
    _coordinator(db, client)

    summary = client.get("/admin/reports/summary.csv").get_data(as_text=True)

    assert "intake_review,1" in summary and "intake_matched,0" in summary


def test_it_takes_a_gias_file_far_bigger_than_the_apis_64_kib_limit(make_app, db):
    client = make_app(IMPORT_JOBS_INLINE=True).test_client()
    _coordinator(db, client)
    rows = "".join(
        f'"{200000 + i}","816","York","School number {i} with a long name","Community school",'
        f'"Primary","Open","YO1 7HH"\n'
        for i in range(2000)
    )
    text = GIAS.splitlines(keepends=True)[0] + rows
    assert len(text) > 150_000

    response = _import(client, text)

    assert response.status_code == 302
    assert db.exec(select(ImportJob)).one().accepted == 2000


def test_it_says_an_import_that_stopped_reporting_was_interrupted():

    now = utcnow()
    job = ImportJob(filename="gias.csv", status="running", total_rows=1000, processed_rows=400)
    job.updated_at = now - timedelta(seconds=30)
    assert status_of(job, now) == "running"
    assert progress_text(job, now) == "Checked 400 of 1,000 rows (40%)"
    job.updated_at = now - timedelta(minutes=6)
    assert status_of(job, now) == "interrupted"
    assert "interrupted" in progress_text(job, now)
