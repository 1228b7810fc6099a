"""Which deadline nudge a task is owed at a given instant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.dates import working_day_on_or_after, working_day_on_or_before


@dataclass(frozen=True)
class Slot:
    """A moment a nudge of some kind becomes due for a deadline."""

    kind: str
    days: int
    due_at: datetime


@dataclass(frozen=True)
class Plan:
    """The nudge to send now, and the earlier ones it replaces (missed while the bot was down)."""

    current: Slot | None
    superseded: tuple[Slot, ...]


@lru_cache(maxsize=4096)
def slots(
    deadline: date, days_before: tuple[int, ...], hour: int, tz: ZoneInfo
) -> tuple[Slot, ...]:
    """Every nudge of a deadline in time order, moved off weekends and public holidays."""

    def at(day: date) -> datetime:
        return datetime.combine(day, time(hour), tz)

    def before(kind: str, day: date) -> Slot:
        # Shifted off a weekend, a nudge says how many days are really left.
        return Slot(kind, (deadline - day).days, at(day))

    found = [
        before(f"before-{n}", working_day_on_or_before(deadline - timedelta(days=n)))
        for n in sorted(set(days_before), reverse=True)
        if n > 0
    ]
    found.append(before("due", working_day_on_or_before(deadline)))
    found.append(Slot("overdue", -1, at(working_day_on_or_after(deadline + timedelta(days=1)))))
    # A holiday shift can bring two slots to one day; the later kind says more.
    unique: dict[datetime, Slot] = {}
    for slot in found:
        unique[slot.due_at] = slot
    return tuple(sorted(unique.values(), key=lambda s: s.due_at))


def plan(
    deadline: date, now: datetime, days_before: Sequence[int], hour: int, tz: ZoneInfo
) -> Plan:
    """The latest slot already due at `now`, and the due ones before it."""
    due = [s for s in slots(deadline, tuple(days_before), hour, tz) if s.due_at <= now]
    if not due:
        return Plan(None, ())
    return Plan(due[-1], tuple(due[:-1]))
