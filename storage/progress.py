"""Queries on progress: updates and imports awaiting review."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal, cast

from bot.domain import TaskStatus
from storage.base import StoreBase, _iso
from storage.records import PendingImport


class ProgressQueries(StoreBase):
    """Progress updates and pending imports."""

    # -- progress updates ----------------------------------------------------

    async def add_update(
        self,
        *,
        task_id: int,
        official_id: int,
        text: str,
        percent: int | None,
        status: TaskStatus | None,
        source: str | None,
        now: datetime,
    ) -> bool:
        """Record a progress note (and a status change); False if `source` was recorded before."""
        async with self._transaction() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO updates "
                "(task_id, official_id, text, percent, status, created_at, source) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (task_id, official_id, text, percent, status, _iso(now), source),
            )
            if cur.rowcount == 0:
                return False
            if status is not None:
                await db.execute("UPDATE tasks SET status = ? WHERE id = ?", (status, task_id))
        return True

    async def update_count(self, task_id: int) -> int:
        """How many progress notes a task has."""
        row = await self._one("SELECT COUNT(*) FROM updates WHERE task_id = ?", (task_id,))
        return int(row[0])

    # -- imports awaiting review in chat -----------------------------------

    async def add_pending(self, official_id: int, file_name: str, text: str, now: datetime) -> int:
        """Keep a file sent in chat until its reviewer confirms or cancels it."""
        async with self._transaction() as db:
            cur = await db.execute(
                "INSERT INTO pending_imports (official_id, file_name, text, created_at)"
                " VALUES (?, ?, ?, ?)",
                (official_id, file_name, text, _iso(now)),
            )
        return cast(int, cur.lastrowid)

    async def pending(self, pending_id: int) -> PendingImport | None:
        """An import awaiting review, with its corrections so far."""
        row = await self._one(
            "SELECT id, official_id, file_name, text, edits, state FROM pending_imports WHERE id = ?",
            (pending_id,),
        )
        if row is None:
            return None
        return PendingImport(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5])

    async def set_pending_edits(self, pending_id: int, edits: dict[str, Any]) -> None:
        """Replace the reviewer's corrections of an open import."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE pending_imports SET edits = ? WHERE id = ? AND state = 'open'",
                (json.dumps(edits, ensure_ascii=False), pending_id),
            )

    async def close_pending(
        self, pending_id: int, state: Literal["confirmed", "cancelled"]
    ) -> bool:
        """Mark an open import confirmed or cancelled; False if it was not open."""
        async with self._transaction() as db:
            cur = await db.execute(
                "UPDATE pending_imports SET state = ? WHERE id = ? AND state = 'open'",
                (state, pending_id),
            )
        return cur.rowcount > 0
