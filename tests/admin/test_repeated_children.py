"""Children to look at together: the council's list and CSV of children with repeated
notices, and the repeat and holiday-period notices counted by month."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import select

from encompass.models import AuditEvent
from encompass.reports.repeats import RepeatPolicy, monthly_counts
from tests.factories import (
    create_force,
    create_pupil,
    create_setting,
    create_user,
    submit_notice,
)
from tests.helpers import sign_in

pytestmark = pytest.mark.clock

LONDON = ZoneInfo("Europe/London")
COORDINATOR = "claire.booth@york.example.org"
OLIVER = {"given_name": "Oliver", "date_of_birth": "2017-01-09"}
JACK = {"given_name": "Jack", "date_of_birth": "2016-05-05"}
NOAH = {"given_name": "Noah", "family_name": "Green", "date_of_birth": "2018-03-03"}


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def _world(db, client):
    york = create_setting(db)
    leeds = create_setting(db, urn="141414", name="Leeds Academy", la_code="383")
    create_pupil(db, york)
    create_pupil(db, york, given_name="Oliver", date_of_birth=date(2017, 1, 9))
    create_pupil(db, york, given_name="Jack", date_of_birth=date(2016, 5, 5))
    create_pupil(db, leeds, given_name="Noah", family_name="Green", date_of_birth=date(2018, 3, 3))
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    _, key = create_force(db)
    sent = [
        # Amelia: three in 90 days.
        ("A1", {}, _at(2026, 9, 1, 22, 0)),
        ("A2", {}, _at(2026, 10, 1, 22, 0)),
        ("A3", {}, _at(2026, 11, 16, 22, 0)),
        # Oliver: three in a year, never two within 14 days.
        ("O1", OLIVER, _at(2026, 1, 10, 22, 0)),
        ("O2", OLIVER, _at(2026, 5, 10, 22, 0)),
        ("O3", OLIVER, _at(2026, 11, 10, 22, 0)),
        # Jack: two within 14 days.
        ("J1", JACK, _at(2026, 11, 2, 22, 0)),
        ("J2", JACK, _at(2026, 11, 12, 22, 0)),
        # Noah, in Leeds: three in 90 days, but another council's.
        ("N1", NOAH, _at(2026, 10, 1, 22, 0)),
        ("N2", NOAH, _at(2026, 10, 20, 22, 0)),
        ("N3", NOAH, _at(2026, 11, 5, 22, 0)),
    ]
    for ref, child, at in sent:
        submit_notice(client, key, at=at, police_reference=ref, child=child)


def test_the_policy_finds_close_and_clustered_notices_only():
    policy = RepeatPolicy()
    days = [datetime(2026, 1, 1, tzinfo=UTC).replace(month=m) for m in (1, 5, 11)]
    assert not policy.repeated(days)
    assert policy.repeated([datetime(2026, 9, d, tzinfo=UTC) for d in (1, 20, 29)])
    assert policy.repeated([datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 9, 15, tzinfo=UTC)])
    assert not policy.repeated(
        [datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 9, 16, tzinfo=UTC)]
    )
    assert RepeatPolicy(notices=4, days=90).repeated([]) is False


def test_the_council_list_finds_three_in_90_days_and_not_three_in_a_year(client, db):
    _world(db, client)

    with time_machine.travel(_at(2026, 11, 20, 9, 0), tick=False):
        sign_in(client, COORDINATOR)
        page = client.get("/admin/children/repeated").get_data(as_text=True)
        exported = client.get("/admin/children/repeated.csv")

    assert "<title>Children to look at together" in page
    assert "Amelia Brown" in page and "Jack Brown" in page
    assert "Oliver Brown" not in page
    assert "Noah Green" not in page and "Leeds Academy" not in page
    assert "2 children" in page
    assert exported.status_code == 200 and "Amelia" not in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert sorted(r["police_reference"] for r in rows) == ["A1", "A2", "A3", "J1", "J2"]
    assert {r["notices"] for r in rows if r["child"] == "Amelia Brown"} == {"3"}
    assert {r["outcome"] for r in rows} == {"not acknowledged: deadline missed"}
    assert {r["follow_up"] for r in rows} == {"not recorded"}
    # Every notice listed is a read of it, audited.
    db.expire_all()
    reads = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "alert.viewed", AuditEvent.detail.contains("repeated")
        )
    ).all()
    assert len(reads) == 10  # five notices, on the page and in the CSV


def test_the_list_is_the_coordinators_alone(client, db):
    create_user(db, "admin@example.org", "admin")
    create_setting(db)
    create_user(db, "dsl@school.example.org", "dsl", setting_urn="121212")
    for email in ("admin@example.org", "dsl@school.example.org"):
        sign_in(client, email)
        assert client.get("/admin/children/repeated").status_code == 403
        assert client.get("/admin/children/repeated.csv").status_code == 403
        client.get("/logout")


def test_the_reports_count_repeat_and_holiday_period_notices_by_month(client, db, app):
    _world(db, client)
    from encompass.models import Child

    # Jack's second incident fell in a school holiday.
    db.expire_all()
    jack = db.exec(select(Child).where(Child.given_name == "Jack")).all()
    latest = max(jack, key=lambda c: c.id)
    latest.holiday_period = True
    db.add(latest)
    db.commit()

    months = monthly_counts(
        db, "816", RepeatPolicy(), first=date(2026, 9, 1), last=date(2026, 11, 30), tz=LONDON
    )

    by_month = {m.start.month: (m.notices, m.repeats, m.holiday) for m in months}
    # November: A3 (A2 in the 90 days before), O3 (not: May is too long ago), J1, J2 (J1).
    assert by_month == {9: (1, 0, 0), 10: (1, 1, 0), 11: (4, 2, 1)}
    with time_machine.travel(_at(2026, 11, 20, 9, 0), tick=False):
        sign_in(client, COORDINATOR)
        page = client.get("/admin/reports?weeks=12").get_data(as_text=True)
        monthly = client.get("/admin/reports/monthly.csv?weeks=12").get_data(as_text=True)
    assert "Repeat and holiday-period notices each month" in page
    assert 'id="chart-monthly-title"' in page
    assert "2026-11,4,2,1" in monthly
