"""`due_by` and holiday flags on real council term dates, 2025 to 2027, through the API."""

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.factories import (
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    submit_notice,
)

pytestmark = pytest.mark.clock

DATA = Path(__file__).resolve().parents[1] / "data"
LONDON = ZoneInfo("Europe/London")


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def york(db, cli):
    """A York primary on the council's published term dates, with a Key Adult and a pupil."""
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    result = cli("calendar", "import", str(DATA / "york_terms.ics"), "--la", "816")
    assert result.exit_code == 0, result.output
    _, key = create_force(db)
    return key


def _submit(client, key, received, occurred=None, ref="NY-1", **child):
    occurred_at = (occurred or received).isoformat()
    notice = submit_notice(
        client, key, at=received, police_reference=ref, occurred_at=occurred_at, child=child
    )
    return notice["children"][0]


@pytest.mark.parametrize(
    ("case", "received", "due_by", "holiday", "lead_up"),
    [
        (
            "Friday evening -> Monday",
            _at(2026, 11, 20, 21, 40),
            _at(2026, 11, 23, 8, 45),
            False,
            False,
        ),
        (
            "bank holiday Monday -> Tuesday",
            _at(2026, 5, 1, 19, 0),
            _at(2026, 5, 5, 8, 45),
            False,
            False,
        ),
        (
            "08:44 on an open day -> that morning",
            _at(2026, 11, 24, 8, 44),
            _at(2026, 11, 24, 8, 45),
            False,
            False,
        ),
        (
            "08:46 on an open day -> next morning",
            _at(2026, 11, 24, 8, 46),
            _at(2026, 11, 25, 8, 45),
            False,
            False,
        ),
        (
            "half term week -> back after the INSET day",
            _at(2026, 10, 28, 22, 0),
            _at(2026, 11, 3, 8, 45),
            True,
            False,
        ),
        (
            "clocks go back in half term",
            _at(2026, 10, 24, 23, 30),
            _at(2026, 11, 3, 8, 45),
            True,
            False,
        ),
        ("lead-up to Christmas", _at(2026, 12, 15, 20, 0), _at(2026, 12, 16, 8, 45), False, True),
        (
            "Christmas 2026 -> after the January INSET day",
            _at(2026, 12, 26, 2, 0),
            _at(2027, 1, 5, 8, 45),
            True,
            False,
        ),
        (
            "Boxing Day substitute, 28 December",
            _at(2026, 12, 28, 12, 0),
            _at(2027, 1, 5, 8, 45),
            True,
            False,
        ),
        (
            "Easter 2027, clocks forward -> BST morning",
            _at(2027, 3, 31, 18, 0),
            _at(2027, 4, 12, 8, 45),
            True,
            False,
        ),
        (
            "Friday before the Easter holiday",
            _at(2027, 3, 19, 21, 0),
            _at(2027, 3, 22, 8, 45),
            False,
            True,
        ),
        ("summer 2026", _at(2026, 8, 10, 12, 0), _at(2026, 9, 3, 8, 45), True, False),
        ("spring 2026 half term", _at(2026, 2, 17, 9, 0), _at(2026, 2, 23, 8, 45), True, False),
    ],
)
def test_it_sets_due_by_and_holiday_flags_from_the_councils_term_dates(
    client, york, case, received, due_by, holiday, lead_up
):
    child = _submit(client, york, received)

    assert child["due_by"] == _z(due_by), case
    assert (child["holiday_period"], child["holiday_lead_up"]) == (holiday, lead_up), case


def test_it_lets_an_early_years_setting_open_in_a_school_holiday(client, db, cli):
    nursery = create_setting(db, urn="EY4521", name="Little Acorns Day Nursery", kind="early_years")
    create_key_adult(db, nursery)
    create_pupil(db, nursery, date_of_birth=date(2024, 1, 10))
    assert cli("calendar", "import", str(DATA / "york_terms.ics"), "--la", "816").exit_code == 0
    _, key = create_force(db)

    child = _submit(client, key, _at(2026, 10, 27, 20, 0), date_of_birth="2024-01-10")

    # The council's half term does not close the nursery: it opens the next weekday.
    assert child["due_by"] == _z(_at(2026, 10, 28, 8, 45))
    assert child["holiday_period"] is False


def test_it_follows_a_settings_own_calendar_over_the_councils(client, db, cli, tmp_path):
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    assert cli("calendar", "import", str(DATA / "york_terms.ics"), "--la", "816").exit_code == 0
    own = tmp_path / "st-wilfrids.csv"
    own.write_text("start,end,kind\n2026-11-23,2026-11-23,inset\n")
    assert cli("calendar", "import", str(own), "--setting", "121212").exit_code == 0
    _, key = create_force(db)

    child = _submit(client, key, _at(2026, 11, 20, 21, 0))

    assert child["due_by"] == _z(_at(2026, 11, 24, 8, 45))


def test_it_uses_a_settings_own_school_day_start(client, db, cli):
    setting = create_setting(db, school_day_start="08:30")
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _, key = create_force(db)

    child = _submit(client, key, _at(2026, 11, 24, 8, 35))

    assert child["due_by"] == _z(_at(2026, 11, 25, 8, 30))


def test_it_closes_a_scottish_setting_on_a_scottish_bank_holiday(client, db):
    setting = create_setting(db, urn="8123456", name="Leith Primary School", nation="scotland")
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _, key = create_force(db)

    # St Andrew's Day, Monday 30 November 2026.
    child = _submit(client, key, _at(2026, 11, 27, 19, 0))

    assert child["due_by"] == _z(_at(2026, 12, 1, 8, 45))
