"""`encompass calendar import`: iCalendar and CSV, and refusals that change nothing."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from encompass.models import CalendarEntry
from tests.factories import create_setting

DATA = Path(__file__).resolve().parents[1] / "data"


def _entries(db):
    db.expire_all()
    return sorted(
        (e.start, e.end, e.kind, e.la_code, e.setting_id) for e in db.exec(select(CalendarEntry))
    )


def _ics(*events: str) -> str:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:{i}@x\r\nDTSTAMP:20250101T000000Z\r\n{e}END:VEVENT\r\n"
        for i, e in enumerate(events)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{body}END:VCALENDAR\r\n"


def test_it_imports_a_councils_ics_file(cli, db):
    result = cli("calendar", "import", str(DATA / "york_terms.ics"), "--la", "816")

    assert result.exit_code == 0, result.output
    assert "14 accepted (12 terms, 0 closures, 2 INSET), 0 rejected" in result.output
    entries = _entries(db)
    assert (date(2026, 9, 3), date(2026, 10, 23), "term", "816", None) in entries
    assert (date(2026, 11, 2), date(2026, 11, 2), "inset", "816", None) in entries


def test_it_reads_timed_and_multi_day_events_in_local_time(cli, db, tmp_path):
    path = tmp_path / "terms.ics"
    path.write_text(
        _ics(
            "DTSTART:20260903T073000Z\r\nDTEND:20261023T143000Z\r\nSUMMARY:Autumn 1\r\n",
            "DTSTART;TZID=Europe/London:20261019T000000\r\nDTEND;TZID=Europe/London:20261021T000000\r\nSUMMARY:School closed - boiler\r\n",
            "DTSTART;VALUE=DATE:20261016\r\nSUMMARY:INSET day\r\n",
        ),
        newline="",
    )

    result = cli("calendar", "import", str(path), "--la", "816")

    assert result.exit_code == 0, result.output
    assert [e[:3] for e in _entries(db)] == [
        (date(2026, 9, 3), date(2026, 10, 23), "term"),
        (date(2026, 10, 16), date(2026, 10, 16), "inset"),
        (date(2026, 10, 19), date(2026, 10, 20), "holiday"),
    ]


def test_it_imports_csv_for_one_setting_and_replaces_its_calendar(cli, db, tmp_path):
    setting = create_setting(db)
    path = tmp_path / "own.csv"
    path.write_text("start,end,kind\n2026-09-03,2026-10-23,term\n2026-10-09,2026-10-09,inset\n")
    assert cli("calendar", "import", str(path), "--setting", "121212").exit_code == 0
    path.write_text("start,end,kind\n03/09/2026,23/10/2026,term\n")

    result = cli("calendar", "import", str(path), "--setting", "121212")

    assert result.exit_code == 0, result.output
    assert _entries(db) == [(date(2026, 9, 3), date(2026, 10, 23), "term", None, setting.id)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("start,end,kind\n2026-10-23,2026-09-03,term\n", "ends (2026-09-03) before it starts"),
        (
            "start,end,kind\n2026-09-03,2026-09-04,term\n2027-07-01,2027-07-02,term\n",
            "it would shut the setting for too much of the year",
        ),
        ("start,end,kind\n2206-09-03,2206-10-23,term\n", "not a plausible school year"),
        ("start,end,kind\n2026-09-03,2026-10-23,semester\n", "kind must be term, holiday or inset"),
        ("start,end,kind\n2026-09-03,not a date,term\n", "row 2: not a date"),
        ("begin,finish\n2026-09-03,2026-10-23\n", "needs the columns start,end,kind"),
        ("BEGIN:VCALENDAR\r\nthis is not\r\n", "not a readable iCalendar file"),
    ],
)
def test_it_refuses_a_bad_file_and_changes_nothing(cli, db, tmp_path, content, message):
    assert cli("calendar", "import", str(DATA / "york_terms.ics"), "--la", "816").exit_code == 0
    before = _entries(db)
    path = tmp_path / "bad.csv"
    path.write_text(content)

    result = cli("calendar", "import", str(path), "--la", "816")

    assert result.exit_code != 0
    assert message in result.output
    assert "nothing was imported" in result.output
    assert _entries(db) == before


def test_it_needs_exactly_one_scope_and_a_real_setting(cli, db):
    path = str(DATA / "york_terms.ics")
    assert cli("calendar", "import", path).exit_code != 0
    assert cli("calendar", "import", path, "--la", "816", "--setting", "121212").exit_code != 0
    result = cli("calendar", "import", path, "--setting", "999999")
    assert result.exit_code != 0 and "no setting with URN 999999" in result.output
    assert cli("calendar", "import", "/no/such/file.ics", "--la", "816").exit_code != 0
    assert _entries(db) == []
