"""A half-term notice through the real transports: holiday cover at once, DSL reminded on
the first morning back."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from encompass.worker import tick
from tests.e2e.scenario import DSL_EMAIL, DSL_PHONE, school_ready_for_notices, submit_notice
from tests.factories import create_key_adult

pytestmark = pytest.mark.clock

DATA = Path(__file__).parent.parent / "data"
LONDON = ZoneInfo("Europe/London")
COVER_PHONE = "+447911100005"
COVER_EMAIL = "holiday.rota@school.example.org"


def test_it_alerts_holiday_cover_in_half_term_and_reminds_the_dsl_on_the_first_day_back(
    app, client, db, cli, fake_twilio, smtp_server
):
    school = school_ready_for_notices(db)
    create_key_adult(db, school.setting, "holiday_cover", "Holiday Rota", COVER_EMAIL, COVER_PHONE)
    assert cli("calendar", "import", str(DATA / "york_terms.ics"), "--la", "816").exit_code == 0
    wednesday_of_half_term = datetime(2026, 10, 28, 14, 5, tzinfo=LONDON)

    with time_machine.travel(wednesday_of_half_term, tick=False):
        notice = submit_notice(client, school, occurred_at=wednesday_of_half_term.isoformat())
        tick(app)

    assert notice["children"][0]["holiday_period"] is True
    assert sorted(m.form["To"] for m in fake_twilio.messages) == sorted([DSL_PHONE, COVER_PHONE])
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == sorted([COVER_EMAIL, DSL_EMAIL])

    # Nothing more until the first morning back: Monday 2 November is an INSET day, so
    # Tuesday 3rd at 07:30, 75 minutes before the school day starts.
    tick(app, datetime(2026, 11, 2, 9, 0, tzinfo=LONDON))
    assert len(fake_twilio.messages) == 2
    tick(app, datetime(2026, 11, 3, 7, 30, tzinfo=LONDON))

    reminder = fake_twilio.messages[-1]
    assert len(fake_twilio.messages) == 3
    assert reminder.form["To"] == DSL_PHONE
    assert (
        reminder.form["Body"]
        == (
            "Operation Encompass: 1 notification from the holiday not yet acknowledged for "
            "St Wilfrid's RC Primary School, support needed before 08:45 Tue 3 Nov. "
            "Sign in to view: http://localhost/a/"
        )
        + reminder.form["Body"].rsplit("/a/", 1)[1]
    )
    mail = smtp_server.messages[-1]
    assert mail.rcpt_tos == [DSL_EMAIL]
    assert "1 holiday notification waiting" in mail.subject
    for text in (reminder.form["Body"], mail.subject, mail.text):
        assert "Amelia" not in text and "Brown" not in text and "Low Street" not in text
