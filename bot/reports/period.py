"""Reporting periods as leaders name them: "tháng 3", "quý I/2027", "6 tháng đầu năm", "tuần này"."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"(?:\s*[/.-]\s*|\s+năm\s+|\s+)?(\d{4})?"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("week", re.compile(r"\btuần\s+(này|trước|qua)\b")),
    ("this", re.compile(r"\b(tháng|quý|năm)\s+(này|nay|trước|qua)\b")),
    ("half", re.compile(r"\b6\s+tháng\s+(đầu|cuối)\s+năm" + _YEAR)),
    ("quarter", re.compile(r"\bquý\s+(iv|i{1,3}|[1-4])\b" + _YEAR)),
    ("month", re.compile(r"\btháng\s+(1[0-2]|0?[1-9])\b" + _YEAR)),
    ("year", re.compile(r"\bnăm\s+(\d{4})\b")),
]


@dataclass(frozen=True)
class Period:
    """An inclusive range of local dates a report covers."""

    start: date
    end: date

    @property
    def label(self) -> str:
        """How a report names the period: "quý I/2027", "tháng 3/2027", "01/12 – 07/12/2026"."""
        s, e = self.start, self.end
        whole_months = s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1]
        if whole_months and s.year == e.year:
            months = e.month - s.month + 1
            if months == 12:
                return f"năm {s.year}"
            if months == 6 and s.month in (1, 7):
                return f"6 tháng {'đầu' if s.month == 1 else 'cuối'} năm {s.year}"
            if months == 3 and s.month % 3 == 1:
                return f"quý {['I', 'II', 'III', 'IV'][s.month // 3]}/{s.year}"
            if months == 1:
                return f"tháng {s.month}/{s.year}"
        return f"{s:%d/%m/%Y} – {e:%d/%m/%Y}"

    @property
    def key(self) -> str:
        """A compact form for button data: "20270101-20270331"."""
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    @classmethod
    def from_key(cls, key: str) -> Period | None:
        """The period a `key` was made from; None if it is not one."""
        match = re.fullmatch(r"(\d{8})-(\d{8})", key)
        if match is None:
            return None
        try:
            start, end = (date(int(g[:4]), int(g[4:6]), int(g[6:])) for g in match.groups())
        except ValueError:
            return None
        return cls(start, end) if start <= end else None


def current_period(today: date) -> Period:
    """The monthly reporting period `today` falls in: the 15th to the 14th of the next month.

    Nghị định 09/2019/NĐ-CP, Điều 12: monthly report figures close on the 14th.
    """
    first = today.replace(day=15) if today.day >= 15 else _add_months(today.replace(day=15), -1)
    return Period(first, _add_months(first, 1) - timedelta(days=1))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def month(year: int, number: int) -> Period:
    """A calendar month."""
    return Period(date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1]))


def _months(year: int, first: int, count: int) -> Period:
    last = first + count - 1
    return Period(date(year, first, 1), month(year, last).end)


def find_period(text: str, today: date) -> tuple[Period | None, str]:
    """The period named in `text` (if any) and the text without it."""
    lowered = text.lower()
    for kind, pattern in _PATTERNS:
        match = pattern.search(lowered)
        if match is None:
            continue
        period = _period(kind, match, today)
        if period is None:
            continue
        rest = (text[: match.start()] + " " + text[match.end() :]).strip(" ,;-")
        return period, " ".join(rest.split())
    return None, " ".join(text.split())


def _period(kind: str, match: re.Match[str], today: date) -> Period | None:
    year = today.year
    if kind == "week":
        monday = today - timedelta(days=today.weekday())
        if match[1] != "này":
            monday -= timedelta(days=7)
        return Period(monday, monday + timedelta(days=6))
    if kind == "this":
        back = match[2] in ("trước", "qua")
        if match[1] == "tháng":
            first = today.replace(day=1)
            if back:
                first = (first - timedelta(days=1)).replace(day=1)
            return month(first.year, first.month)
        if match[1] == "quý":
            quarter = (today.month - 1) // 3 - (1 if back else 0)
            return _months(year + quarter // 4, (quarter % 4) * 3 + 1, 3)
        return _months(year - (1 if back else 0), 1, 12)
    if kind == "year":
        return _months(int(match[1]), 1, 12) if 1900 < int(match[1]) < 2200 else None
    # Half-years, quarters and months carry the year, when written, in the second group.
    if match[2]:
        year = int(match[2])
    if kind == "half":
        return _months(year, 1 if match[1] == "đầu" else 7, 6)
    if kind == "quarter":
        number = _ROMAN.get(match[1]) or int(match[1])
        return _months(year, number * 3 - 2, 3)
    return month(year, int(match[1]))
