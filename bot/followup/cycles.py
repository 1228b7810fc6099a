"""Reporting cycles of recurring duties, after Nghị định 09/2019/NĐ-CP, Điều 12.

Data closes on the 14th: of each month, of a quarter's last month, on 14/6 and 14/12 for
six-monthly reports, on 14/12 for yearly ones. A report is due on the day the document names
("trước ngày 20 hằng tháng"), else a few working days after the close.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.followup.calendar import add_working_days

PERIODS = ("monthly", "quarterly", "half-yearly", "yearly")
# Asked of the leader when a document says "định kỳ báo cáo" without a period.
UNSPECIFIED = "periodic-unspecified"
FALLBACK = "quarterly"
CLOSE_DAY = 14
_KEY = re.compile(r"^(\d{4})(?:-(\d{2})|-Q(\d)|-H(\d)|-W(\d{2}))?$")


@dataclass(frozen=True)
class Cycle:
    """One period of a recurring duty: its key ("2027-Q1") and the day its report is due."""

    period: str
    year: int
    index: int  # month 1–12, quarter 1–4, half 1–2, ISO week; 0 for a year
    due: date

    @property
    def key(self) -> str:
        """The cycle's name in nudge keys and messages."""
        return {
            "monthly": f"{self.year}-{self.index:02d}",
            "quarterly": f"{self.year}-Q{self.index}",
            "half-yearly": f"{self.year}-H{self.index}",
            "weekly": f"{self.year}-W{self.index:02d}",
        }.get(self.period, str(self.year))


def period_of(recurrence: str | None) -> str | None:
    """The period a task recurs in (unspecified ones are quarterly until chosen), or None."""
    if recurrence is None:
        return None
    if recurrence == UNSPECIFIED:
        return FALLBACK
    return recurrence if recurrence in (*PERIODS, "weekly") else None


def period_of_key(key: str) -> str | None:
    """The period a cycle key belongs to."""
    match = _KEY.match(key)
    if match is None:
        return None
    if match[2]:
        return "monthly"
    if match[3]:
        return "quarterly"
    if match[4]:
        return "half-yearly"
    if match[5]:
        return "weekly"
    return "yearly"


def _close_month(period: str, index: int) -> int:
    return {"monthly": index, "quarterly": 3 * index, "half-yearly": 6 * index}.get(period, 12)


def _clamped(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def cycle(period: str, year: int, index: int, named: date | None, grace: int) -> Cycle:
    """The cycle `index` of `year`; `named` gives the document's day (and month, yearly)."""
    if period == "weekly":
        friday = date.fromisocalendar(year, index, 5)
        return Cycle(period, year, index, friday)
    month = _close_month(period, index)
    if named is not None:
        named_month = named.month if period == "yearly" else month
        return Cycle(period, year, index, _clamped(year, named_month, named.day))
    close = date(year, month, CLOSE_DAY)
    return Cycle(period, year, index, add_working_days(close, grace))


def _following(period: str, year: int, index: int) -> tuple[int, int]:
    if period == "weekly":
        monday = date.fromisocalendar(year, index, 1) + timedelta(days=7)
        iso = monday.isocalendar()
        return iso.year, iso.week
    last = {"monthly": 12, "quarterly": 4, "half-yearly": 2}.get(period, 0)
    if period == "yearly" or index >= last:
        return year + 1, 1 if period != "yearly" else 0
    return year, index + 1


def next_cycle(current: Cycle, named: date | None, grace: int) -> Cycle:
    """The cycle after `current`."""
    year, index = _following(current.period, current.year, current.index)
    return cycle(current.period, year, index, named, grace)


def first_cycle(period: str, on_or_after: date, named: date | None, grace: int) -> Cycle:
    """The first cycle whose report is due on or after `on_or_after`."""
    if period == "weekly":
        iso = on_or_after.isocalendar()
        found = cycle(period, iso.year, iso.week, named, grace)
    else:
        found = cycle(period, on_or_after.year - 1, 0 if period == "yearly" else 1, named, grace)
    while found.due < on_or_after:
        found = next_cycle(found, named, grace)
    return found


def from_key(key: str, named: date | None, grace: int) -> Cycle | None:
    """The cycle a key names, or None for a key of another form."""
    match = _KEY.match(key)
    period = period_of_key(key)
    if match is None or period is None:
        return None
    index = int(match[2] or match[3] or match[4] or match[5] or 0)
    return cycle(period, int(match[1]), index, named, grace)
