"""The Store: every query dondoc makes, as async methods returning frozen dataclasses."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, cast

import aiosqlite

from bot.domain import (
    Directive,
    Official,
    OfficialRole,
    Recipient,
    TaskRole,
    TaskStatus,
    TaskView,
    Unit,
)
from storage.migrate import upgrade

Change = Literal["added", "changed", "unchanged"]
NudgeState = Literal["sending", "sent", "skipped", "failed"]

# A nudge that failed this often is given up on, so a blocked bot does not retry forever.
MAX_NUDGE_ATTEMPTS = 5

_TASK_VIEW_SQL = """
SELECT t.id, t.directive_id, d.code, t.unit_id, u.name, t.role, t.text, t.deadline, t.status,
       lu.text, (SELECT percent FROM updates
                 WHERE task_id = t.id AND percent IS NOT NULL ORDER BY id DESC LIMIT 1),
       lu.created_at
FROM tasks t
JOIN directives d ON d.id = t.directive_id
JOIN units u ON u.id = t.unit_id
LEFT JOIN updates lu ON lu.id = (SELECT MAX(id) FROM updates WHERE task_id = t.id)
"""


@dataclass(frozen=True)
class NewTask:
    """A task to store with a new directive."""

    unit_id: int
    role: TaskRole
    text: str
    deadline: date | None = None
    recurrence: str | None = None
    report_to: str | None = None


@dataclass(frozen=True)
class ParentRef:
    """A document a stored directive implements."""

    code: str
    issued_on: date | None
    issuer: str | None


@dataclass(frozen=True)
class NewDirective:
    """A directive to store (or to revise a stored one with)."""

    key: str
    code: str
    kind: str | None
    issuer: str | None
    issued_on: date | None
    subject: str | None
    source_text: str
    source_sha256: str
    issuer_unit_id: int | None
    parents: Sequence[ParentRef]
    tasks: Sequence[NewTask]


@dataclass(frozen=True)
class Revision:
    """What applying a corrected version changed."""

    kept: int
    added: int
    removed: int
    retained: int


@dataclass(frozen=True)
class PendingImport:
    """A directive file sent in chat, awaiting confirmation."""

    id: int
    official_id: int
    file_name: str
    text: str
    edits: dict[str, Any]
    state: str


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _task_from_row(row: Sequence[Any]) -> TaskView:
    return TaskView(
        id=row[0],
        directive_id=row[1],
        directive_code=row[2],
        unit_id=row[3],
        unit_name=row[4],
        role=cast(TaskRole, row[5]),
        text=row[6],
        deadline=_date(row[7]),
        status=TaskStatus(row[8]),
        last_note=row[9],
        last_percent=row[10],
        last_update_at=datetime.fromisoformat(row[11]) if row[11] else None,
    )


def _official_from_row(row: Sequence[Any]) -> Official:
    return Official(
        id=row[0],
        unit_id=row[1],
        unit_name=row[2],
        name=row[3],
        role=cast(OfficialRole, row[4]),
        telegram_id=row[5],
        zalo_id=row[6],
        phone=row[7],
    )


_OFFICIAL_SQL = """
SELECT o.id, o.unit_id, u.name, o.name, o.role, o.telegram_id, o.zalo_id, o.phone
FROM officials o JOIN units u ON u.id = o.unit_id
"""


class Store:
    """All reads and writes of dondoc's data, over one aiosqlite connection."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    @classmethod
    @asynccontextmanager
    async def open(cls, path: Path | str) -> AsyncIterator[Store]:
        """Open (and migrate) the SQLite database at `path` for the duration of the block."""
        db = await aiosqlite.connect(path)
        try:
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL never corrupts the database; it only skips an fsync per commit.
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA busy_timeout = 5000")
            await upgrade(db)
            yield cls(db)
        finally:
            await db.close()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        try:
            yield self._db
        except BaseException:
            await self._db.rollback()
            raise
        await self._db.commit()

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        async with self._db.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        async with self._db.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

    # -- units ---------------------------------------------------------------

    async def upsert_unit(self, name: str, key: str, parent_id: int | None) -> tuple[Unit, Change]:
        """Add a unit, or move it under `parent_id` when that differs; keyed by `key`."""
        row = await self._one("SELECT id, name, parent_id FROM units WHERE key = ?", (key,))
        async with self._transaction() as db:
            if row is None:
                cur = await db.execute(
                    "INSERT INTO units (name, key, parent_id) VALUES (?, ?, ?)",
                    (name, key, parent_id),
                )
                return Unit(cast(int, cur.lastrowid), name, parent_id), "added"
            if parent_id is not None and row[2] != parent_id:
                await db.execute("UPDATE units SET parent_id = ? WHERE id = ?", (parent_id, row[0]))
                return Unit(row[0], row[1], parent_id), "changed"
        return Unit(row[0], row[1], row[2]), "unchanged"

    async def units(self) -> list[Unit]:
        """Every unit, by id."""
        rows = await self._all("SELECT id, name, parent_id FROM units ORDER BY id")
        return [Unit(*row) for row in rows]

    async def subtree(self, unit_id: int) -> list[int]:
        """The ids of a unit and all units below it."""
        rows = await self._all(
            """WITH RECURSIVE sub(id) AS (
                   SELECT ? UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)
               SELECT id FROM sub""",
            (unit_id,),
        )
        return [row[0] for row in rows]

    async def add_alias(self, alias: str, key: str, unit_id: int) -> Change:
        """Let `alias` (by its name key) stand for a unit."""
        row = await self._one("SELECT unit_id FROM unit_aliases WHERE key = ?", (key,))
        if row is not None and row[0] == unit_id:
            return "unchanged"
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO unit_aliases (key, alias, unit_id) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET alias = excluded.alias, unit_id = excluded.unit_id",
                (key, alias, unit_id),
            )
        return "added" if row is None else "changed"

    async def aliases(self) -> list[tuple[str, int]]:
        """Every alias as (name key, unit id)."""
        return [(r[0], r[1]) for r in await self._all("SELECT key, unit_id FROM unit_aliases")]

    # -- officials -----------------------------------------------------------

    async def upsert_official(
        self,
        unit_id: int,
        name: str,
        role: OfficialRole,
        telegram_id: int | None,
        zalo_id: str | None,
        phone: str | None,
    ) -> Change:
        """Add an official to a unit, or update their role and identities."""
        row = await self._one(
            "SELECT id, role, telegram_id, zalo_id, phone FROM officials "
            "WHERE unit_id = ? AND name = ?",
            (unit_id, name),
        )
        async with self._transaction() as db:
            if row is None:
                await db.execute(
                    "INSERT INTO officials (unit_id, name, role, telegram_id, zalo_id, phone) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (unit_id, name, role, telegram_id, zalo_id, phone),
                )
                return "added"
            if tuple(row[1:]) == (role, telegram_id, zalo_id, phone):
                return "unchanged"
            await db.execute(
                "UPDATE officials SET role = ?, telegram_id = ?, zalo_id = ?, phone = ? "
                "WHERE id = ?",
                (role, telegram_id, zalo_id, phone, row[0]),
            )
        return "changed"

    async def official_by_telegram(self, telegram_id: int) -> Official | None:
        """The official whose Telegram user id this is, if any."""
        row = await self._one(_OFFICIAL_SQL + " WHERE o.telegram_id = ?", (telegram_id,))
        return _official_from_row(row) if row else None

    async def official(self, official_id: int) -> Official | None:
        """An official by id."""
        row = await self._one(_OFFICIAL_SQL + " WHERE o.id = ?", (official_id,))
        return _official_from_row(row) if row else None

    async def officials(self) -> list[Official]:
        """Every official, by unit then name."""
        rows = await self._all(_OFFICIAL_SQL + " ORDER BY o.unit_id, o.id")
        return [_official_from_row(row) for row in rows]

    async def telegram_owner(self, telegram_id: int) -> str | None:
        """The name of the official who already holds this Telegram id, if any."""
        row = await self._one("SELECT name FROM officials WHERE telegram_id = ?", (telegram_id,))
        return row[0] if row else None

    # -- directives and tasks ------------------------------------------------

    async def directive_id(self, key: str) -> int | None:
        """The id of the directive stored under `key`, if any."""
        row = await self._one("SELECT id FROM directives WHERE key = ?", (key,))
        return row[0] if row else None

    async def add_directive(self, new: NewDirective, now: datetime) -> int:
        """Store a directive with its parents and tasks in one transaction; return its id."""
        async with self._transaction() as db:
            cur = await db.execute(
                "INSERT INTO directives (key, code, kind, issuer, issued_on, subject, source_text,"
                " source_sha256, issuer_unit_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.key,
                    new.code,
                    new.kind,
                    new.issuer,
                    new.issued_on.isoformat() if new.issued_on else None,
                    new.subject,
                    new.source_text,
                    new.source_sha256,
                    new.issuer_unit_id,
                    _iso(now),
                ),
            )
            directive_id = cast(int, cur.lastrowid)
            await self._insert_parents(directive_id, new.parents)
            await self._insert_tasks(directive_id, list(enumerate(new.tasks)), now)
        await self.link_chain(directive_id)
        return directive_id

    async def _insert_parents(self, directive_id: int, parents: Sequence[ParentRef]) -> None:
        await self._db.executemany(
            "INSERT OR IGNORE INTO directive_parents (directive_id, code, issued_on, issuer) "
            "VALUES (?, ?, ?, ?)",
            [
                (directive_id, p.code, p.issued_on.isoformat() if p.issued_on else None, p.issuer)
                for p in parents
            ],
        )

    async def _insert_tasks(
        self, directive_id: int, tasks: Sequence[tuple[int, NewTask]], now: datetime
    ) -> None:
        await self._db.executemany(
            "INSERT INTO tasks (directive_id, unit_id, seq, role, text, deadline, recurrence, "
            "report_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    directive_id,
                    t.unit_id,
                    seq,
                    t.role,
                    t.text,
                    t.deadline.isoformat() if t.deadline else None,
                    t.recurrence,
                    t.report_to,
                    _iso(now),
                )
                for seq, t in tasks
            ],
        )

    async def directive_source(self, directive_id: int) -> str | None:
        """The SHA-256 of the text a directive was last imported from."""
        row = await self._one("SELECT source_sha256 FROM directives WHERE id = ?", (directive_id,))
        return row[0] if row else None

    async def revise_directive(
        self, directive_id: int, new: NewDirective, now: datetime
    ) -> Revision:
        """Apply a corrected version: tasks are matched per unit in order, so progress is kept."""
        rows = await self._all(
            "SELECT t.id, t.unit_id, t.seq, EXISTS (SELECT 1 FROM updates u WHERE u.task_id = t.id)"
            " FROM tasks t WHERE t.directive_id = ? ORDER BY t.seq",
            (directive_id,),
        )
        old: dict[tuple[int, int], tuple[int, bool]] = {}
        counts: dict[int, int] = {}
        for task_id, unit, _seq, has_updates in rows:
            old[(unit, counts.get(unit, 0))] = (task_id, bool(has_updates))
            counts[unit] = counts.get(unit, 0) + 1
        next_seq = max((r[2] for r in rows), default=-1) + 1
        kept = added = 0
        fresh: list[tuple[int, NewTask]] = []
        counts.clear()
        async with self._transaction() as db:
            await db.execute(
                "UPDATE directives SET kind = ?, issuer = ?, subject = ?, source_text = ?,"
                " source_sha256 = ?, issuer_unit_id = ? WHERE id = ?",
                (
                    new.kind,
                    new.issuer,
                    new.subject,
                    new.source_text,
                    new.source_sha256,
                    new.issuer_unit_id,
                    directive_id,
                ),
            )
            await db.execute(
                "DELETE FROM directive_parents WHERE directive_id = ?", (directive_id,)
            )
            await self._insert_parents(directive_id, new.parents)
            for task in new.tasks:
                slot = (task.unit_id, counts.get(task.unit_id, 0))
                counts[task.unit_id] = slot[1] + 1
                match = old.pop(slot, None)
                if match is None:
                    fresh.append((next_seq + len(fresh), task))
                    continue
                await db.execute(
                    "UPDATE tasks SET role = ?, text = ?, deadline = ?, recurrence = ?,"
                    " report_to = ? WHERE id = ?",
                    (
                        task.role,
                        task.text,
                        task.deadline.isoformat() if task.deadline else None,
                        task.recurrence,
                        task.report_to,
                        match[0],
                    ),
                )
                kept += 1
            await self._insert_tasks(directive_id, fresh, now)
            added = len(fresh)
            # A task the correction dropped goes, unless officials already reported on it.
            dropped = [task_id for task_id, has_updates in old.values() if not has_updates]
            await db.executemany("DELETE FROM tasks WHERE id = ?", [(t,) for t in dropped])
        await self.link_chain(directive_id)
        return Revision(
            kept=kept, added=added, removed=len(dropped), retained=len(old) - len(dropped)
        )

    async def link_chain(self, directive_id: int) -> None:
        """Link a directive to the stored documents it cites and to those that cite it."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE directive_parents SET parent_id = (SELECT d.id FROM directives d"
                " WHERE d.code = directive_parents.code ORDER BY d.id LIMIT 1)"
                " WHERE directive_id = ? AND parent_id IS NULL",
                (directive_id,),
            )
            await db.execute(
                "UPDATE directive_parents SET parent_id = ?"
                " WHERE code = (SELECT code FROM directives WHERE id = ?)"
                " AND parent_id IS NULL AND directive_id != ?",
                (directive_id, directive_id, directive_id),
            )
            # A child's tasks roll up under the parent's task for the unit that issued the child.
            await db.execute(
                """UPDATE tasks SET parent_task_id = (
                       SELECT pt.id FROM directive_parents dp
                       JOIN directives child ON child.id = dp.directive_id
                       JOIN tasks pt ON pt.directive_id = dp.parent_id
                                    AND pt.unit_id = child.issuer_unit_id
                       WHERE dp.directive_id = tasks.directive_id
                       ORDER BY pt.role != 'lead', dp.rowid, pt.seq LIMIT 1)
                   WHERE parent_task_id IS NULL AND directive_id IN (
                       SELECT ? UNION SELECT directive_id FROM directive_parents
                       WHERE parent_id = ?)""",
                (directive_id, directive_id),
            )

    async def parent_task(self, task_id: int) -> int | None:
        """The task in the parent directive that this task implements, if linked."""
        row = await self._one("SELECT parent_task_id FROM tasks WHERE id = ?", (task_id,))
        return row[0] if row else None

    async def parent_ids(self, directive_id: int) -> list[int]:
        """The stored directives this directive cites."""
        rows = await self._all(
            "SELECT parent_id FROM directive_parents WHERE directive_id = ? AND parent_id IS NOT NULL"
            " ORDER BY rowid",
            (directive_id,),
        )
        return [r[0] for r in rows]

    async def directives(self) -> list[Directive]:
        """Every stored directive, oldest import first."""
        rows = await self._all(
            "SELECT id, code, kind, issuer, issued_on, subject FROM directives ORDER BY id"
        )
        return [Directive(r[0], r[1], r[2], r[3], _date(r[4]), r[5]) for r in rows]

    async def parents(self, directive_id: int) -> list[ParentRef]:
        """The documents a directive implements, as cited in it."""
        rows = await self._all(
            "SELECT code, issued_on, issuer FROM directive_parents WHERE directive_id = ?",
            (directive_id,),
        )
        return [ParentRef(r[0], _date(r[1]), r[2]) for r in rows]

    async def task(self, task_id: int) -> TaskView | None:
        """A task by id, with its latest progress."""
        row = await self._one(_TASK_VIEW_SQL + " WHERE t.id = ?", (task_id,))
        return _task_from_row(row) if row else None

    async def tasks_of_units(self, unit_ids: Sequence[int]) -> list[TaskView]:
        """The tasks of the given units, with their latest progress."""
        if not unit_ids:
            return []
        marks = ",".join("?" * len(unit_ids))
        rows = await self._all(
            _TASK_VIEW_SQL + f" WHERE t.unit_id IN ({marks}) ORDER BY t.id", unit_ids
        )
        return [_task_from_row(row) for row in rows]

    async def tasks_of_directive(self, directive_id: int) -> list[TaskView]:
        """A directive's tasks, in document order."""
        rows = await self._all(
            _TASK_VIEW_SQL + " WHERE t.directive_id = ? ORDER BY t.seq", (directive_id,)
        )
        return [_task_from_row(row) for row in rows]

    async def open_tasks_with_deadline(self) -> list[TaskView]:
        """Every open task that has a deadline: what the nudge sweep looks at."""
        rows = await self._all(
            _TASK_VIEW_SQL + " WHERE t.status = 'open' AND t.deadline IS NOT NULL ORDER BY t.id"
        )
        return [_task_from_row(row) for row in rows]

    async def set_deadline(self, task_id: int, deadline: date) -> None:
        """Give a task a new deadline."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE tasks SET deadline = ? WHERE id = ?", (deadline.isoformat(), task_id)
            )

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

    # -- chat messages about tasks -------------------------------------------

    async def link_message(
        self, platform: str, chat_id: str, message_id: int, task_id: int
    ) -> None:
        """Remember that a bot message in a chat was about a task."""
        async with self._transaction() as db:
            await db.execute(
                "INSERT OR REPLACE INTO message_tasks (platform, chat_id, message_id, task_id) "
                "VALUES (?, ?, ?, ?)",
                (platform, chat_id, message_id, task_id),
            )

    async def task_of_message(self, platform: str, chat_id: str, message_id: int) -> int | None:
        """The task a bot message was about, if it was about one."""
        row = await self._one(
            "SELECT task_id FROM message_tasks WHERE platform = ? AND chat_id = ? "
            "AND message_id = ?",
            (platform, chat_id, message_id),
        )
        return row[0] if row else None

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

    async def link_import_message(
        self, platform: str, chat_id: str, message_id: int, pending_id: int
    ) -> None:
        """Remember that a bot message previews an import."""
        async with self._transaction() as db:
            await db.execute(
                "INSERT OR REPLACE INTO message_imports (platform, chat_id, message_id, pending_id)"
                " VALUES (?, ?, ?, ?)",
                (platform, chat_id, message_id, pending_id),
            )

    async def import_of_message(self, platform: str, chat_id: str, message_id: int) -> int | None:
        """The import a bot message previews, if it previews one."""
        row = await self._one(
            "SELECT pending_id FROM message_imports WHERE platform = ? AND chat_id = ?"
            " AND message_id = ?",
            (platform, chat_id, message_id),
        )
        return row[0] if row else None

    # -- nudges --------------------------------------------------------------

    async def recipients(self, unit_id: int) -> list[Recipient]:
        """The officials of a unit that can be reached on Telegram."""
        rows = await self._all(
            "SELECT id, name, telegram_id FROM officials "
            "WHERE unit_id = ? AND telegram_id IS NOT NULL ORDER BY id",
            (unit_id,),
        )
        return [Recipient(*row) for row in rows]

    async def claim_nudge(
        self, task_id: int, official_id: int, kind: str, cycle: str, now: datetime
    ) -> bool:
        """Reserve a nudge for sending; False if it was sent, skipped, or is given up on."""
        async with self._transaction() as db:
            cur = await db.execute(
                "INSERT INTO nudges (task_id, official_id, kind, cycle, state, attempts, updated_at)"
                " VALUES (?, ?, ?, ?, 'sending', 1, ?)"
                " ON CONFLICT DO UPDATE SET state = 'sending', attempts = attempts + 1,"
                " updated_at = excluded.updated_at"
                " WHERE state = 'failed' AND attempts < ?",
                (task_id, official_id, kind, cycle, _iso(now), MAX_NUDGE_ATTEMPTS),
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
