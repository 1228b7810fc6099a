"""Working days and working hours in the officials' time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.dates import is_working_day as _is_working_day
from bot.dates import working_day_on_or_after
from bot.followup.rules import Rules


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Vietnamese public holiday (cached: planning asks often)."""
    return _is_working_day(day)


@lru_cache(maxsize=65536)
def add_working_days(day: date, count: int) -> date:
    """The working day `count` working days after `day` (`day` itself need not be one)."""
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


@lru_cache(maxsize=65536)
def working_days_between(start: date, end: date) -> int:
    """How many working days lie after `start`, up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def at_hour(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """`hour` o'clock local time on `day`."""
    return datetime.combine(day, time(hour), tz)


def in_working_time(moment: datetime, rules: Rules, tz: ZoneInfo) -> bool:
    """Whether `moment` falls on a working day inside working hours."""
    local = moment.astimezone(tz)
    return is_working_day(local.date()) and rules.work_start <= local.time() < rules.work_end


def next_working_time(moment: datetime, rules: Rules, tz: ZoneInfo) -> datetime:
    """`moment` if it is working time, else the start of the next working morning."""
    if in_working_time(moment, rules, tz):
        return moment
    local = moment.astimezone(tz)
    day = local.date()
    if not is_working_day(day) or local.time() >= rules.work_end:
        day = working_day_on_or_after(day + timedelta(days=1))
    return datetime.combine(day, rules.work_start, tz)
