"""Queries on progress: updates and imports awaiting review."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from bot.domain import Evidence, Note, NoteStatus, TaskStatus
from storage.base import StoreBase, _iso
from storage.records import PendingImport

# The same words twice within this time are one note sent twice.
SAME_NOTE_WINDOW = timedelta(minutes=10)


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
        status: TaskStatus | NoteStatus | None,
        source: str | None,
        now: datetime,
    ) -> bool:
        """Record a progress note (and a status change); False if it was recorded before.

        Before means the same chat message (`source`), or the same words from the same official
        on the same task a few minutes ago (sent twice by a hasty tap).
        """
        async with self._transaction() as db:
            async with db.execute(
                "SELECT 1 FROM updates WHERE task_id = ? AND official_id = ? AND text = ?"
                " AND created_at >= ? LIMIT 1",
                (task_id, official_id, text, _iso(now - SAME_NOTE_WINDOW)),
            ) as found:
                if await found.fetchone() is not None:
                    return False
            cur = await db.execute(
                "INSERT OR IGNORE INTO updates "
                "(task_id, official_id, text, percent, status, created_at, source) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (task_id, official_id, text, percent, status, _iso(now), source),
            )
            if cur.rowcount == 0:
                return False
            if status in (TaskStatus.OPEN, TaskStatus.DONE):
                await db.execute("UPDATE tasks SET status = ? WHERE id = ?", (status, task_id))
        return True

    async def has_note_from(self, source: str) -> bool:
        """Whether the note of this chat message is stored already."""
        return await self._one("SELECT 1 FROM updates WHERE source = ?", (source,)) is not None

    async def notes_of(self, task_id: int, limit: int = 10) -> list[Note]:
        """A task's latest notes, newest first, with who wrote them."""
        rows = await self._all(
            "SELECT u.created_at, o.name, u.text, u.percent, u.status FROM updates u"
            " JOIN officials o ON o.id = u.official_id WHERE u.task_id = ?"
            " ORDER BY u.id DESC LIMIT ?",
            (task_id, limit),
        )
        return [Note(datetime.fromisoformat(r[0]), r[1], r[2], r[3], r[4]) for r in rows]

    # -- evidence ------------------------------------------------------------

    async def add_evidence(
        self,
        *,
        task_id: int,
        official_id: int,
        file_name: str,
        kind: str,
        data: bytes,
        source: str | None,
        now: datetime,
    ) -> bool:
        """Keep a file as evidence of a task; False if this chat message was kept before."""
        async with self._transaction() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO evidence"
                " (task_id, official_id, file_name, kind, size, data, source, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (task_id, official_id, file_name, kind, len(data), data, source, _iso(now)),
            )
            return cur.rowcount > 0

    async def evidence_of(self, task_id: int) -> list[Evidence]:
        """The files kept as evidence of a task, oldest first (without their bytes)."""
        rows = await self._all(
            "SELECT e.id, e.file_name, e.kind, e.size, o.name, e.created_at FROM evidence e"
            " JOIN officials o ON o.id = e.official_id WHERE e.task_id = ? ORDER BY e.id",
            (task_id,),
        )
        return [Evidence(r[0], r[1], r[2], r[3], r[4], datetime.fromisoformat(r[5])) for r in rows]

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
