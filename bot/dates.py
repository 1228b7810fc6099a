"""Dates as officials write them, and dates as chat messages show them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import dateparser
import holidays

_NUMERIC = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2}|\d{4}))?\s*$")


MAX_YEARS_AHEAD = 20


class DateError(ValueError):
    """A date that cannot be used, with the reason as a message code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# The longest way of writing a date ("ngày 30 tháng 6 năm 2027", "cuối quý III năm 2027") with room.
MAX_DATE_TEXT = 60


def parse_date(text: str, today: date, *, allow_past: bool = False) -> date:
    """Read a Vietnamese date (27/02/2024, 30/6, "cuối tháng 6", "quý III/2025"); DateError if not."""
    text = text.strip()
    if len(text) > MAX_DATE_TEXT:  # no date is this long, and dateparser would take seconds
        raise DateError("bad_date")
    if any(c.isdigit() and not c.isascii() for c in text):  # "²" is not a day dateparser knows
        raise DateError("bad_date")
    try:
        found = _numeric(text, today) if _NUMERIC.match(text) else _natural(text, today)
    except (ValueError, OverflowError):  # a year like 0000 or 9999 at a month's end
        found = None
    # A deadline decades away is a typing slip, and would not fit the calendar maths.
    if found is None or found.year > today.year + MAX_YEARS_AHEAD:
        raise DateError("bad_date")
    if not allow_past and found < today:
        raise DateError("past_date")
    return found


def _numeric(text: str, today: date) -> date | None:
    match = _NUMERIC.match(text)
    assert match is not None
    day, month, year_text = int(match[1]), int(match[2]), match[3]
    year = today.year if year_text is None else int(year_text)
    if year < 100:
        year += 2000
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    # "30/6" written in December means next June, not last.
    if year_text is None and found < today:
        try:
            found = date(year + 1, month, day)
        except ValueError:
            return None
    return found


_END_OF_MONTH = re.compile(r"cuối\s+tháng\s+(\d{1,2})(?:\s*[/.-]?\s*(?:năm\s+)?(\d{4}))?")
_QUARTER = re.compile(
    r"(?:trong\s+|cuối\s+)?quý\s+(i{1,3}|iv|[1-4])(?:\s*[/.-]?\s*(?:năm\s+)?(\d{4}))?"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _natural(text: str, today: date) -> date | None:
    lowered = text.strip().lower()
    quarter = _QUARTER.fullmatch(lowered)
    if quarter:
        number = _ROMAN.get(quarter[1]) or int(quarter[1])
        year = int(quarter[2]) if quarter[2] else today.year
        found = _last_day(year, number * 3)
        if quarter[2] is None and found < today:
            found = _last_day(year + 1, number * 3)
        return found
    end = _END_OF_MONTH.fullmatch(lowered)
    if end:
        month, year = int(end[1]), int(end[2]) if end[2] else today.year
        if not 1 <= month <= 12:
            return None
        found = _last_day(year, month)
        if end[2] is None and found < today:
            found = _last_day(year + 1, month)
        return found
    parsed = dateparser.parse(
        lowered,
        languages=["vi", "en"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime(today.year, today.month, today.day),  # noqa: DTZ001
            "REQUIRE_PARTS": ["day"],
        },
    )
    return parsed.date() if parsed else None


def _last_day(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def fmt_date(value: date) -> str:
    """dd/mm/yyyy, as Vietnamese documents write dates."""
    return value.strftime("%d/%m/%Y")


def local_today(now: datetime, tz: ZoneInfo) -> date:
    """The calendar day at `now` in the officials' time zone."""
    return now.astimezone(tz).date()


@lru_cache(maxsize=8)
def _vn_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Vietnamese public holiday."""
    return day.weekday() < 5 and day not in _vn_holidays(day.year)


def working_day_on_or_before(day: date) -> date:
    """The last working day on or before `day`."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_day_on_or_after(day: date) -> date:
    """The first working day on or after `day`."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
