"""What officials ask of the follow-up: snooze, mute, leave, and deadline extensions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.dates import DateError, parse_date
from bot.followup.calendar import at_hour
from bot.services import Services

_DAYS = re.compile(r"^\s*(\d{1,3})\s*(ngày|ngay|days?|d|tuần|tuan|weeks?|w)?\s*$", re.IGNORECASE)
_UNTIL = re.compile(r"^\s*(?:đến|den|tới|toi|until|to)\s+(.+)$", re.IGNORECASE)
_LIFT = re.compile(r"^\s*(?:bỏ|bo|hủy|huy|off|lift|bật|bat)\s*$", re.IGNORECASE)
MAX_DAYS = 366


@dataclass(frozen=True)
class QuietAsk:
    """A parsed /tatnhac: a task (or all), until a day (or lifted by hand), or a lift."""

    task_id: int | None
    until: date | None
    lift: bool = False


def snooze_until(svc: Services, text: str) -> datetime:
    """When "3 ngày", "1 tuần" or "15/12" ends, at the nudge hour; DateError if unreadable."""
    today = svc.today()
    days = _DAYS.match(text)
    if days:
        count = int(days[1]) * (7 if (days[2] or "").lower()[:1] in ("t", "w") else 1)
        if not 1 <= count <= MAX_DAYS:
            raise DateError("bad_date")
        return at_hour(today + timedelta(days=count), svc.nudge_hour, svc.tz)
    return at_hour(parse_date(text, today + timedelta(days=1)), svc.nudge_hour, svc.tz)


def read_quiet(svc: Services, task_id: int | None, rest: str) -> QuietAsk:
    """Read what follows /tatnhac [#N]: nothing, "đến 15/1", or "bỏ"; DateError if unreadable."""
    if _LIFT.match(rest):
        return QuietAsk(task_id, None, lift=True)
    until = _UNTIL.match(rest)
    if until:
        return QuietAsk(task_id, parse_date(until[1], svc.today()))
    if rest.strip():
        return QuietAsk(task_id, parse_date(rest, svc.today()))
    return QuietAsk(task_id, None)


def day_after(svc: Services, day: date) -> datetime:
    """The start of the day after `day`: a leave "until 15/1" covers the 15th."""
    return at_hour(day + timedelta(days=1), 0, svc.tz)
