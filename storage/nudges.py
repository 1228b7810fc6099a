"""Queries on nudges: who can be reached, and which reminders were sent."""

from __future__ import annotations

from datetime import datetime

from bot.domain import Recipient
from storage.base import StoreBase, _iso


class NudgeQueries(StoreBase):
    """Recipients, and claiming, skipping and finishing nudges."""

    # -- nudges --------------------------------------------------------------

    async def recipients(self, unit_id: int) -> list[Recipient]:
        """The officials of a unit that can be reached on Telegram."""
        rows = await self._all(
            "SELECT id, name, telegram_id FROM officials "
            "WHERE unit_id = ? AND telegram_id IS NOT NULL ORDER BY id",
            (unit_id,),
        )
        return [Recipient(*row) for row in rows]

    async def owe_nudge(
        self, task_id: int, official_id: int, kind: str, cycle: str, now: datetime
    ) -> bool:
        """Record a nudge as owed (the outbox delivers it); False if it was owed or skipped."""
        async with self._transaction() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO nudges "
                "(task_id, official_id, kind, cycle, state, attempts, updated_at) "
                "VALUES (?, ?, ?, ?, 'sent', 0, ?)",
                (task_id, official_id, kind, cycle, _iso(now)),
            )
            return cur.rowcount > 0

    async def skip_nudge(
        self, task_id: int, official_id: int, kind: str, cycle: str, now: datetime
    ) -> None:
        """Record a nudge as not to be sent (superseded by a later one)."""
        async with self._transaction() as db:
            await db.execute(
                "INSERT OR IGNORE INTO nudges "
                "(task_id, official_id, kind, cycle, state, attempts, updated_at) "
                "VALUES (?, ?, ?, ?, 'skipped', 0, ?)",
                (task_id, official_id, kind, cycle, _iso(now)),
            )

    async def nudge_states(self) -> list[tuple[int, int, str, str, str]]:
        """Every nudge row as (task, official, kind, cycle, state): for tests and the CLI."""
        return [
            tuple(r)
            for r in await self._all(
                "SELECT task_id, official_id, kind, cycle, state FROM nudges "
                "ORDER BY task_id, official_id, kind"
            )
        ]
