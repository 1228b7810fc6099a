"""Queries on nudges: which reminders were claimed, sent or skipped."""

from __future__ import annotations

from datetime import datetime

from storage.base import StoreBase, _iso


class NudgeQueries(StoreBase):
    """Claiming, skipping and finishing nudges."""

    # -- nudges --------------------------------------------------------------

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
