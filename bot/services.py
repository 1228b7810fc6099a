"""What handlers and the scheduler share: the store, the clock and the settings they need."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.dates import local_today
from bot.followup.rules import Rules
from storage import Store


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """The domain's dependencies, built once in the composition root."""

    store: Store
    tz: ZoneInfo
    locale: str = "vi"
    clock: Callable[[], datetime] = utc_now
    nudge_days: Sequence[int] = (7, 3, 1)
    nudge_hour: int = 8
    rules: Rules = Rules()
    # A member's "done" on a lead task counts once the unit head confirms it.
    done_needs_head: bool = False
    max_note_length: int = 4096
    admins: Sequence[str] = field(default_factory=tuple)
    # The chat platforms running in this process: messages are owed only where they can go.
    platforms: Sequence[str] = ()

    def now(self) -> datetime:
        """The current instant (UTC)."""
        return self.clock()

    def today(self) -> date:
        """Today in the officials' time zone."""
        return local_today(self.clock(), self.tz)
