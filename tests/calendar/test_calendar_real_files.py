"""Real published calendars in, and the `due_by` of notices on named dates out.

Each calendar is imported with the command a coordinator runs; then notices arrive on
dates chosen around its terms, half terms, INSET days and bank holidays, through the
police API, and the answer's `due_by` and `holiday_period` are checked. A calendar that
would delay alerts for weeks is refused, and one that still cannot answer (edited in the
database by hand) makes the alert fall back to the next weekday, flagged on coverage.
"""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import select

from encompass.admin.coverage import coverage
from encompass.calendar.vocabulary import classify
from encompass.models import CalendarEntry
from tests.factories import bearer, create_force, create_pupil, create_setting, notice_body

DATA = Path(__file__).resolve().parents[1] / "data"
LONDON = ZoneInfo("Europe/London")


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def school(db):
    setting = create_setting(db, urn="121212", la_code="816")
    create_pupil(db, setting)
    return setting


@pytest.fixture
def key(db, school):
    return create_force(db)[1]


def _notice(client, key, when: datetime, ref: str = "NY-1") -> dict:
    body = notice_body(police_reference=ref, occurred_at=when.isoformat())
    with time_machine.travel(when, tick=False):
        response = client.post("/api/v1/notices", json=body, headers=bearer(key))
    assert response.status_code == 201, response.json
    child = response.json["children"][0]
    assert child["outcome"] == "matched", child
    return child


def _due(child: dict) -> datetime:
    return datetime.fromisoformat(child["due_by"]).astimezone(LONDON)


def _answer(client, key, when: datetime) -> tuple[datetime, bool]:
    """The due_by and holiday_period of a notice arriving `when`."""
    child = _notice(client, key, when)
    return _due(child), child["holiday_period"]


def _import(cli, name: str | Path, *scope: str, exit_code: int = 0) -> str:
    """Import a calendar from tests/data (or a path), as on 1 June 2026; returns its output."""
    with time_machine.travel(_at(2026, 6, 1, 9, 0), tick=False):
        result = cli("calendar", "import", str(DATA / name), *scope)
    assert result.exit_code == exit_code, result.output
    return result.output


# A school's own .ics: "First day back" and "Last day of term" as one-day markers,
# "School Holiday" spans with the bank holidays inside them, INSET days, and events that
# say nothing about opening (parents' evening, sports day).
MARKERS = [
    # A Tuesday in term: the next morning (it was five weeks later before).
    (_at(2026, 9, 15, 14, 0), _at(2026, 9, 16, 8, 45), False),
    # A Saturday starting October half term: the first day back after the INSET Monday.
    (_at(2026, 10, 24, 10, 0), _at(2026, 11, 3, 8, 45), True),
    # Christmas Eve: past Christmas, the bank holidays inside it, and the INSET day.
    (_at(2026, 12, 24, 22, 0), _at(2027, 1, 5, 8, 45), True),
    # The last day of the spring term (a marker, open) in the evening: after Easter.
    (_at(2027, 3, 25, 19, 0), _at(2027, 4, 12, 8, 45), False),
    # Sports day is an ordinary school day.
    (_at(2027, 6, 30, 16, 0), _at(2027, 7, 1, 8, 45), False),
]


@pytest.mark.parametrize(("when", "due", "holiday"), MARKERS)
def test_a_schools_marker_calendar_gives_the_next_school_morning(
    cli, client, key, when, due, holiday
):
    output = _import(cli, "school_markers_2026_27.ics", "--setting", "121212")
    assert "6 terms" in output and "events ignored" in output

    assert _answer(client, key, when) == (due, holiday)


SHEFFIELD_HOLIDAYS = [
    # A Tuesday in term.
    (_at(2025, 9, 9, 15, 0), _at(2025, 9, 10, 8, 45), False),
    # Before an INSET day and two disaggregated days, then half term: Monday 3 November.
    (_at(2025, 10, 21, 16, 0), _at(2025, 11, 3, 8, 45), False),
    # In the Christmas holiday (its bank holidays are events of their own inside it).
    (_at(2025, 12, 27, 11, 0), _at(2026, 1, 5, 8, 45), True),
    # Friday before the May half term: the Monday after it.
    (_at(2026, 5, 22, 18, 0), _at(2026, 6, 1, 8, 45), False),
]


@pytest.mark.parametrize(("when", "due", "holiday"), SHEFFIELD_HOLIDAYS)
def test_a_holidays_only_calendar_with_bank_holidays_inside_the_holidays(
    cli, client, key, when, due, holiday
):
    output = _import(cli, "sheffield_sutc_school_holidays.ics", "--la", "816")
    assert "0 terms" in output and "INSET" in output

    assert _answer(client, key, when) == (due, holiday)


SHEFFIELD_TERM_DAYS = [
    (_at(2025, 9, 16, 10, 0), _at(2025, 9, 17, 8, 45), False),
    # Friday before half term: the first term day after it.
    (_at(2025, 10, 24, 18, 0), _at(2025, 11, 3, 8, 45), False),
    (_at(2025, 10, 28, 12, 0), _at(2025, 11, 3, 8, 45), True),
    # After the last day in the file: weekdays again, not a holiday without end.
    (_at(2025, 12, 5, 18, 0), _at(2025, 12, 8, 8, 45), False),
]


@pytest.mark.parametrize(("when", "due", "holiday"), SHEFFIELD_TERM_DAYS)
def test_a_calendar_with_one_event_per_term_day(cli, client, key, when, due, holiday):
    output = _import(cli, "sheffield_term_days_autumn_2025.ics", "--la", "816")
    assert "2 terms" in output

    assert _answer(client, key, when) == (due, holiday)


COUNCIL_CSV = [
    # Halloween break, then a training day.
    (_at(2026, 10, 23, 18, 0), _at(2026, 11, 3, 8, 45), False),
    # Christmas break, then a PD day.
    (_at(2026, 12, 18, 18, 0), _at(2027, 1, 5, 8, 45), False),
    # February half term, then a staff development day.
    (_at(2027, 2, 12, 18, 0), _at(2027, 2, 23, 8, 45), False),
    # May Day closure.
    (_at(2027, 4, 30, 18, 0), _at(2027, 5, 4, 8, 45), False),
]


@pytest.mark.parametrize(("when", "due", "holiday"), COUNCIL_CSV)
def test_a_councils_label_csv_with_its_own_words_for_closures(cli, client, key, when, due, holiday):
    _import(cli, "council_closures_2026_27.csv", "--la", "816")

    assert _answer(client, key, when) == (due, holiday)


@pytest.mark.parametrize(
    ("summary", "kind"),
    [
        ("May Day Closure", "holiday"),
        ("Christmas break", "holiday"),
        ("Halloween break", "holiday"),
        ("SUTC: Bank holiday", "holiday"),
        ("School Holiday - October Half Term", "holiday"),
        ("Half-term", "holiday"),
        ("SCHOOL CLOSED", "holiday"),
        ("Training day", "inset"),
        ("Staff development", "inset"),
        ("PD day", "inset"),
        ("SUTC: Disaggregated Day", "inset"),
        ("INSET Day", "inset"),
        ("First day back - Spring Term", "starts"),
        ("First day back after half term", "starts"),
        ("Last day of term - school closes at 2pm", "ends"),
        ("Autumn term 1", "term"),
        ("Sheffield: Term day (Week 3)", "term"),
        ("SUTC: Day 12 (Week 3)", "term"),
        ("In-service day", "inset"),
        ("Occasional day", "holiday"),
        ("School closes at 1.30pm for Christmas", "ends"),
        ("Autumn Term begins", "starts"),
        ("Parents' Evening", ""),
        ("Summer fair", ""),
    ],
)
def test_it_reads_the_words_councils_and_schools_use(summary, kind):
    assert classify(summary) == kind


def test_a_term_dates_table_as_council_pages_write_it(cli, client, key, tmp_path):
    table = tmp_path / "term-dates.csv"
    table.write_text(
        "School term and holiday dates 2026 to 2027,,\n,,\n"
        "Term,Start date,End date\n"
        "Autumn term,Thursday 3rd September 2026,Friday 18th December 2026\n"
        "October half term,Monday 26th October 2026,Friday 30th October 2026\n"
        "Occasional day,Monday 2nd November 2026,\n"
        "Spring term,Tuesday 5th January 2027,Thursday 25th March 2027\n"
    )
    _import(cli, table, "--la", "816")

    child = _notice(client, key, _at(2026, 10, 23, 18, 0))

    assert _due(child) == _at(2026, 11, 3, 8, 45)


def test_it_accepts_a_northern_irish_summer_holiday_of_nine_weeks(cli, tmp_path):
    terms = tmp_path / "ni.csv"
    terms.write_text(
        "label,start_date,end_date\nSpring term,2027-01-04,2027-06-30\n"
        "Summer holidays,2027-07-01,2027-08-31\nAutumn term,2027-09-01,2027-12-21\n"
    )

    _import(cli, terms, "--la", "816")


def test_it_refuses_a_calendar_that_would_shut_for_months_and_keeps_the_old_one(cli, db, tmp_path):
    _import(cli, "council_closures_2026_27.csv", "--la", "816")
    before = db.exec(select(CalendarEntry)).all()
    # Markers for the autumn and the summer only: all between would be a holiday.
    lopsided = tmp_path / "terms.csv"
    lopsided.write_text(
        "label,start_date,end_date\nFirst day back,2026-09-03,\nLast day of term,2026-10-23,\n"
        "First day back,2027-06-07,\nLast day of term,2027-07-21,\n"
    )

    output = _import(cli, lopsided, "--la", "816", exit_code=1)

    assert "it would shut the setting for too much of the year" in output
    assert "days in a row, 24 October 2026 to 6 June 2027" in output
    assert "nothing was imported" in output
    db.expire_all()
    assert len(db.exec(select(CalendarEntry)).all()) == len(before)


def test_a_calendar_that_cannot_answer_falls_back_to_the_next_weekday_and_is_flagged(
    client, db, key, school
):
    # Written to the database by hand, past the import's checks: shut for 200 days.
    db.add(
        CalendarEntry(
            setting_id=school.id,
            start=date(2026, 9, 1),
            end=date(2027, 3, 19),
            kind="holiday",
            summary="Closed",
        )
    )
    db.commit()

    child = _notice(client, key, _at(2026, 10, 6, 15, 0))

    assert _due(child) == _at(2026, 10, 7, 8, 45)
    rows = coverage(db, "816", today=date(2026, 10, 6))
    assert any("no school day in the next 4 months" in p for r in rows for p in r.problems)


def test_bank_holidays_from_govuk_are_added_to_those_the_service_knows(cli, client, key, tmp_path):
    result = cli("calendar", "bank-holidays", str(DATA / "govuk_bank_holidays_2025_2027.json"))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "bank holidays: 24 for england-and-wales, 30 for northern-ireland, 27 for scotland"
    )
    # A one-off bank holiday announced after the `holidays` package was released.
    extra = tmp_path / "bank-holidays.json"
    extra.write_text(
        '{"england-and-wales": {"division": "england-and-wales", "events": ['
        '{"title": "Bank holiday for a royal occasion", "date": "2026-06-15", "notes": "",'
        ' "bunting": true}]}}'
    )
    assert cli("calendar", "bank-holidays", str(extra)).exit_code == 0

    child = _notice(client, key, _at(2026, 6, 12, 18, 0))

    assert _due(child) == _at(2026, 6, 16, 8, 45)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "it is not a JSON file"),
        ('{"wales": {}}', "none of the divisions"),
        ('{"scotland": {"events": [{"title": "x", "date": "30/11/2026"}]}}', "event 1 of scotland"),
    ],
)
def test_it_refuses_a_bank_holidays_file_it_cannot_read(cli, tmp_path, content, message):
    bad = tmp_path / "bank-holidays.json"
    bad.write_text(content)

    result = cli("calendar", "bank-holidays", str(bad))

    assert result.exit_code == 1
    assert message in result.output and "nothing was imported" in result.output
