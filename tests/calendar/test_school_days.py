"""The next-school-day rule on a setting with no term dates (weekdays minus bank holidays)."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from encompass.calendar.school_days import (
    in_holiday,
    in_holiday_lead_up,
    next_open_start,
    weekdays_without_bank_holidays,
)

pytestmark = pytest.mark.clock

LONDON = ZoneInfo("Europe/London")
START = time(8, 45)


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Friday evening -> Monday morning (GMT).
        (_local(2026, 11, 20, 21, 40), _local(2026, 11, 23, 8, 45)),
        # Before the start on an open day -> that same morning; just after -> the next day.
        (_local(2026, 11, 23, 8, 44), _local(2026, 11, 23, 8, 45)),
        (_local(2026, 11, 23, 8, 46), _local(2026, 11, 24, 8, 45)),
        # Friday before the Spring bank holiday 2026 (Mon 25 May) -> Tuesday, in BST.
        (_local(2026, 5, 22, 22, 0), _local(2026, 5, 26, 8, 45)),
        # Christmas 2026: 25 Fri, Boxing Day substitute Mon 28 December -> Tue 29th.
        (_local(2026, 12, 24, 23, 0), _local(2026, 12, 29, 8, 45)),
        # The clocks go back on Sunday 25 October 2026: Monday 08:45 is 08:45 GMT.
        (_local(2026, 10, 24, 12, 0), _local(2026, 10, 26, 8, 45)),
        # Clocks go forward on Easter Sunday, 28 March 2027; Easter Monday is a bank
        # holiday, so Tuesday 08:45 BST, which is 07:45 UTC.
        (_local(2027, 3, 27, 12, 0), datetime(2027, 3, 30, 7, 45, tzinfo=UTC)),
    ],
)
def test_it_finds_the_start_of_the_next_open_day(received, due):
    assert next_open_start(received, LONDON, START, weekdays_without_bank_holidays()) == due


def test_it_uses_the_bank_holidays_of_the_settings_nation():
    # St Andrew's Day 2026 falls on a Monday: a Scottish bank holiday, not an English one.
    friday = _local(2026, 11, 27, 20, 0)
    assert next_open_start(friday, LONDON, START, weekdays_without_bank_holidays("scotland")) == (
        _local(2026, 12, 1, 8, 45)
    )
    assert next_open_start(friday, LONDON, START, weekdays_without_bank_holidays("england")) == (
        _local(2026, 11, 30, 8, 45)
    )


def _closed(*spans: tuple[date, date]):
    weekdays = weekdays_without_bank_holidays()

    def is_open(day: date) -> bool:
        return weekdays(day) and not any(a <= day <= b for a, b in spans)

    return is_open


def test_it_counts_a_run_with_three_closed_weekdays_as_a_holiday():
    half_term = _closed((date(2027, 2, 15), date(2027, 2, 19)))
    assert in_holiday(date(2027, 2, 17), half_term)
    assert in_holiday(date(2027, 2, 13), half_term)  # the Saturday that starts it
    assert in_holiday_lead_up(date(2027, 2, 10), half_term)
    assert not in_holiday_lead_up(date(2027, 2, 1), half_term)


def test_it_does_not_count_a_long_weekend_as_a_holiday():
    inset_friday = _closed((date(2027, 1, 8), date(2027, 1, 8)))
    assert not in_holiday(date(2027, 1, 8), inset_friday)
    assert not in_holiday(date(2026, 5, 25), inset_friday)  # a lone bank holiday Monday
