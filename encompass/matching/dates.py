"""Dates of birth as people get them wrong, and the age a child starts school.

The common errors, each a blocking key and an agreement level of its own:
- day and month swapped (03/04 read as 04/03, US order),
- one day out (a birth just before or after midnight, a slip),
- one digit wrong (2017 for 2015, 13 for 18),
- two neighbouring digits transposed (12 for 21, 2015 for 2051 is not a date).
"""

from __future__ import annotations

from calendar import isleap
from datetime import date, timedelta
from functools import lru_cache

EXACT, SWAPPED, ONE_DAY, TRANSPOSED, ONE_DIGIT, DIFFERENT = (
    "exact",
    "swapped",
    "one_day",
    "transposed",
    "one_digit",
    "different",
)


def _digits(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def swapped(dob: date) -> date | None:
    if dob.day > 12 or dob.day == dob.month:
        return None
    return date(dob.year, dob.day, dob.month)


@lru_cache(maxsize=8192)
def near_dates(dob: date) -> tuple[date, ...]:
    """The date itself, day and month swapped, and a day either side."""
    out = [dob, dob - timedelta(days=1), dob + timedelta(days=1)]
    other = swapped(dob)
    if other is not None:
        out.append(other)
    return tuple(out)


@lru_cache(maxsize=8192)
def same_day_dates(dob: date) -> tuple[date, ...]:
    """The date itself and, if it can be, day and month swapped."""
    other = swapped(dob)
    return (dob,) if other is None else (dob, other)


_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _real(year: int, month: int, day: int) -> date | None:
    if year < 1 or not 1 <= month <= 12 or day < 1:
        return None
    last = 29 if month == 2 and isleap(year) else _DAYS[month]
    return date(year, month, day) if day <= last else None


def _digit_swaps(value: int, width: int) -> list[int]:
    """`value` written with `width` digits, each digit changed to each other digit."""
    out = []
    for place in (10**i for i in range(width)):
        digit = value // place % 10
        base = value - digit * place
        out += [base + d * place for d in range(10) if d != digit]
    return out


def _transposed(value: int) -> int:
    """The last two digits swapped: 12 -> 21, 2015 -> 2051."""
    tens, units = value // 10 % 10, value % 10
    return value - tens * 10 - units + units * 10 + tens


@lru_cache(maxsize=8192)
def digit_dates(dob: date, earliest: date = date(1990, 1, 1)) -> tuple[date, ...]:
    """Every real date one digit away, or with two neighbouring digits of the day, month
    or year transposed; not before `earliest` nor 20 years from the date, not the near
    dates."""
    y, m, d = dob.year, dob.month, dob.day
    years = [v for v in (*_digit_swaps(y, 4), _transposed(y)) if abs(v - y) <= 20]
    candidates = [_real(v, m, d) for v in years]
    candidates += [_real(y, v, d) for v in (*_digit_swaps(m, 2), _transposed(m))]
    candidates += [_real(y, m, v) for v in (*_digit_swaps(d, 2), _transposed(d))]
    near = set(near_dates(dob))
    found = {c for c in candidates if c is not None and c >= earliest and c not in near}
    return tuple(sorted(found))


def dob_level(given: date, on_roll: date) -> str:
    """How the date on the notice relates to the date on the roll."""
    if given == on_roll:
        return EXACT
    if swapped(given) == on_roll:
        return SWAPPED
    if abs((given - on_roll).days) == 1:
        return ONE_DAY
    a, b = _digits(given), _digits(on_roll)
    differ = [i for i in range(8) if a[i] != b[i]]
    if len(differ) == 1:
        return ONE_DIGIT
    if (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and differ[0] in (2, 4, 6)
        and a[differ[0]] == b[differ[1]]
        and a[differ[1]] == b[differ[0]]
    ):
        return TRANSPOSED
    return DIFFERENT


def reception_start(dob: date) -> date:
    """1 September of the school year a child can start in reception: the September after
    their fourth birthday (children born 1 September to 31 August start together)."""
    return date(dob.year + (5 if dob.month >= 9 else 4), 9, 1)


def under_school_age(dob: date, today: date) -> bool:
    """Too young for reception: an early years child, who may be on no roll at all."""
    return today < reception_start(dob)


def years_old(dob: date, on: date) -> int:
    """Whole years of age on a day (a 29 February birthday counts from 1 March)."""
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def born_about(age_years: int, on: date) -> date:
    """A date of birth for a child said to be `age_years` old on a day: half-way through
    the year of birth that age allows (what deciding the child's age band needs)."""
    return on - timedelta(days=round((age_years + 0.5) * 365.25))


SAME_AGE, AGE_ONE_OUT, AGE_DIFFERENT = "same", "one_year", "different"


def age_level(age_years: int, dob: date, on: date) -> str:
    """How the age an officer was told agrees with a pupil's date of birth."""
    gap = abs(years_old(dob, on) - age_years)
    return SAME_AGE if gap == 0 else AGE_ONE_OUT if gap == 1 else AGE_DIFFERENT
