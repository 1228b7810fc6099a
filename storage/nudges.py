"""Queries on nudges: which reminders were claimed, sent or skipped."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from storage.base import StoreBase, _iso

NudgeState = Literal["sending", "sent", "skipped", "failed"]

# A nudge that failed this often is given up on, so a blocked bot does not retry forever.
MAX_NUDGE_ATTEMPTS = 5
# A send takes seconds; a claim this old belongs to a process that is gone.
STALE_CLAIM = timedelta(minutes=15)


class NudgeQueries(StoreBase):
    """Claiming, skipping and finishing nudges."""

    # -- nudges --------------------------------------------------------------

    async def claim_nudge(
        self, task_id: int, official_id: int, kind: str, cycle: str, now: datetime
    ) -> bool:
        """Reserve a nudge for sending; False if it was sent, skipped, or is given up on.

        A claim left "sending" by a process that died mid-send is taken again once stale:
        in that rare case the official may get the nudge twice rather than never.
        """
        stale = _iso(now - STALE_CLAIM)
        async with self._transaction() as db:
            cur = await db.execute(
                "INSERT INTO nudges (task_id, official_id, kind, cycle, state, attempts, updated_at)"
                " VALUES (?, ?, ?, ?, 'sending', 1, ?)"
                " ON CONFLICT DO UPDATE SET state = 'sending', attempts = attempts + 1,"
                " updated_at = excluded.updated_at"
                " WHERE (state = 'failed' OR (state = 'sending' AND updated_at < ?))"
                " AND attempts < ?",
                (task_id, official_id, kind, cycle, _iso(now), stale, MAX_NUDGE_ATTEMPTS),
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

    async def finish_nudge(
        self,
        task_id: int,
        official_id: int,
        kind: str,
        cycle: str,
        state: NudgeState,
        now: datetime,
    ) -> None:
        """Record how sending a claimed nudge ended."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE nudges SET state = ?, updated_at = ? "
                "WHERE task_id = ? AND official_id = ? AND kind = ? AND cycle = ?",
                (state, _iso(now), task_id, official_id, kind, cycle),
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
