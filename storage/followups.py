"""Queries of the follow-up engine: the due index, claims, quiet periods, extensions, digests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.followup.plan import TaskState
from storage.base import StoreBase, _date, _iso
from storage.records import _TASK_VIEW_SQL, _task_from_row

# The first due rows in the index's order, then the other due rows of their units among the
# next WINDOW: a batch costs the same however many rows are due.
WINDOW = 2000
_DUE_FIRST = """
WITH first AS (
    SELECT task_id FROM followups WHERE next_at <= :now ORDER BY next_at, task_id LIMIT :first
),
more AS (
    SELECT * FROM (
        SELECT w.task_id FROM (
            SELECT task_id, next_at FROM followups WHERE next_at <= :now
            ORDER BY next_at, task_id LIMIT :window
        ) AS w JOIN tasks t ON t.id = w.task_id
        WHERE t.unit_id IN (SELECT t1.unit_id FROM first JOIN tasks t1 ON t1.id = first.task_id)
        ORDER BY w.next_at, w.task_id LIMIT :most
    ) AS same_units
),
picked AS (SELECT task_id FROM first UNION SELECT task_id FROM more)
"""
_DUE_AGAIN = """
WITH picked AS (
    SELECT task_id FROM followups
    WHERE task_id IN (SELECT value FROM json_each(:ids)) AND next_at <= :now
)
"""
_DUE_ROWS = """
SELECT t.id, t.directive_id, d.code, t.unit_id, u.name, t.role, t.text, t.deadline, t.status,
       lu.text, lu.percent, lu.created_at, t.recurrence, t.created_at, f.cycle, f.cycle_since,
       f.next_at
FROM picked p
JOIN followups f ON f.task_id = p.task_id
JOIN tasks t ON t.id = f.task_id
JOIN directives d ON d.id = t.directive_id
JOIN units u ON u.id = t.unit_id
LEFT JOIN updates lu ON lu.id = (SELECT MAX(id) FROM updates WHERE task_id = t.id)
ORDER BY f.next_at, f.task_id
"""


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Quiet:
    """An official's quiet period: one task or all (leave), until an instant or lifted."""

    id: int
    official_id: int
    task_id: int | None
    kind: str
    until: datetime | None


@dataclass(frozen=True)
class Extension:
    """A request to move a task's deadline."""

    id: int
    task_id: int
    official_id: int
    wanted: date
    reason: str
    state: str


@dataclass(frozen=True)
class Claim:
    """One message owed about a task to one official: claimed once, ever."""

    task_id: int
    official_id: int
    kind: str
    cycle: str

    @property
    def key(self) -> ClaimKey:
        """(task, official, kind, cycle): what makes a claim one of a kind."""
        return (self.task_id, self.official_id, self.kind, self.cycle)


ClaimKey = tuple[int, int, str, str]


class FollowupQueries(StoreBase):
    """The due index, nudge claims, quiet periods, extension requests and digests."""

    # -- the due index -----------------------------------------------------------

    async def anything_due(self, now: datetime) -> bool:
        """Whether any task's next follow-up instant has come (one index probe)."""
        # ORDER BY makes the index the only cheap plan on PostgreSQL too, whatever it guesses
        # of how many rows are due: without it a generic plan scans the whole table.
        row = await self._one(
            "SELECT 1 FROM followups WHERE next_at <= ? ORDER BY next_at LIMIT 1", (_iso(now),)
        )
        return row is not None

    async def begin_write(self) -> None:
        """Take the write lock now, inside `atomic()`: the batch reads what others committed."""
        if not self._db.in_transaction:
            await self._db.execute("BEGIN IMMEDIATE")

    async def due_tasks(self, now: datetime, first: int, most: int) -> list[TaskState]:
        """The `first` tasks whose next follow-up instant has come, earliest first, and up to
        `most` in all with the other due tasks of their units (among the next WINDOW due)."""
        params = {"now": _iso(now), "first": first, "most": most, "window": WINDOW}
        return await self._due(_DUE_FIRST, params)

    async def due_again(self, now: datetime, task_ids: Sequence[int]) -> list[TaskState]:
        """These tasks as the due index sees them now, those still due."""
        return await self._due(_DUE_AGAIN, {"now": _iso(now), "ids": json.dumps(list(task_ids))})

    async def _due(self, picked: str, params: dict[str, Any]) -> list[TaskState]:
        async with self._reads().execute(picked + _DUE_ROWS, params) as cur:
            rows = list(await cur.fetchall())
        return [
            TaskState(
                task=_task_from_row(r[:12]),
                recurrence=r[12],
                created_at=datetime.fromisoformat(r[13]),
                cycle=r[14],
                cycle_since=_moment(r[15]),
                next_at=r[16],
            )
            for r in rows
        ]

    async def plan_again(
        self, plans: Sequence[tuple[int, datetime | None, str | None, datetime | None]]
    ) -> None:
        """Store each task's next instant and open cycle; a task with none leaves the index."""
        async with self._transaction() as db:
            await db.executemany(
                "UPDATE followups SET next_at = ?, cycle = ?, cycle_since = ? WHERE task_id = ?",
                [
                    (_iso(at), cycle, _iso(since) if since else None, task)
                    for task, at, cycle, since in plans
                    if at is not None
                ],
            )
            await db.executemany(
                "DELETE FROM followups WHERE task_id = ?",
                [(task,) for task, at, _, _ in plans if at is None],
            )

    async def next_followup(self, task_id: int) -> tuple[str, str | None] | None:
        """A task's (next instant, open cycle) in the due index: for tests and the CLI."""
        row = await self._one("SELECT next_at, cycle FROM followups WHERE task_id = ?", (task_id,))
        return (row[0], row[1]) if row else None

    async def claim(self, claims: Sequence[Claim], now: datetime) -> list[Claim]:
        """Record messages as owed; those owed (or skipped) before are left out."""
        won: list[Claim] = []
        async with self._transaction() as db:
            for start in range(0, len(claims), 500):
                part = claims[start : start + 500]
                values = ",".join("(?, ?, ?, ?, 'sent', 0, ?)" for _ in part)
                params = [x for c in part for x in (c.task_id, c.official_id, c.kind, c.cycle)]
                params = [
                    p for i in range(len(part)) for p in (*params[4 * i : 4 * i + 4], _iso(now))
                ]
                async with db.execute(
                    "INSERT OR IGNORE INTO nudges "
                    "(task_id, official_id, kind, cycle, state, attempts, updated_at) "
                    f"VALUES {values} RETURNING task_id, official_id, kind, cycle",
                    params,
                ) as cur:
                    won += [Claim(*r) for r in await cur.fetchall()]
        return won

    async def skip(self, claims: Sequence[Claim], now: datetime) -> None:
        """Record messages as not to be sent (missed, a later one went instead)."""
        async with self._transaction() as db:
            await db.executemany(
                "INSERT OR IGNORE INTO nudges "
                "(task_id, official_id, kind, cycle, state, attempts, updated_at) "
                "VALUES (?, ?, ?, ?, 'skipped', 0, ?)",
                [(c.task_id, c.official_id, c.kind, c.cycle, _iso(now)) for c in claims],
            )

    # -- who hears what ------------------------------------------------------------

    async def roles_in(self, unit_ids: Sequence[int]) -> dict[int, str]:
        """The role of every official of these units, by official id."""
        if not unit_ids:
            return {}
        marks = ",".join("?" * len(unit_ids))
        rows = await self._all(
            f"SELECT id, role FROM officials WHERE unit_id IN ({marks})", list(unit_ids)
        )
        return {r[0]: r[1] for r in rows}

    async def leader_units(self) -> tuple[dict[int, int | None], set[int]]:
        """The parent of every unit, and the units that have a leader or admin."""
        parents = {r[0]: r[1] for r in await self._all("SELECT id, parent_id FROM units")}
        led = await self._all(
            "SELECT DISTINCT unit_id FROM officials WHERE role IN ('leader', 'admin')"
        )
        return parents, {r[0] for r in led}

    async def issuers(self, directive_ids: Sequence[int]) -> dict[int, int | None]:
        """The unit that issued each of these directives, when known."""
        if not directive_ids:
            return {}
        marks = ",".join("?" * len(directive_ids))
        rows = await self._all(
            f"SELECT id, issuer_unit_id FROM directives WHERE id IN ({marks})",
            list(directive_ids),
        )
        return {r[0]: r[1] for r in rows}

    async def importers(self, directive_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """(official, their unit) who confirmed each of these directives, while still active."""
        if not directive_ids:
            return {}
        marks = ",".join("?" * len(directive_ids))
        rows = await self._all(
            f"SELECT d.id, o.id, o.unit_id FROM directives d JOIN officials o"
            f" ON o.id = d.imported_by AND o.active = 1 WHERE d.id IN ({marks})",
            list(directive_ids),
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    async def set_importer(self, directive_ids: Sequence[int], official_id: int) -> None:
        """Record who confirmed the import (or the corrected version) of these directives."""
        async with self._transaction() as db:
            await db.executemany(
                "UPDATE directives SET imported_by = ? WHERE id = ?",
                [(official_id, d) for d in directive_ids],
            )

    async def quiet_periods(self, official_ids: Sequence[int], now: datetime) -> list[Quiet]:
        """The quiet periods of these officials that have not ended by `now`."""
        if not official_ids:
            return []
        marks = ",".join("?" * len(official_ids))
        rows = await self._all(
            "SELECT id, official_id, task_id, kind, until FROM quiet"
            f" WHERE official_id IN ({marks}) AND (until IS NULL OR until > ?) ORDER BY id",
            (*official_ids, _iso(now)),
        )
        return [Quiet(r[0], r[1], r[2], r[3], _moment(r[4])) for r in rows]

    async def add_quiet(
        self,
        official_id: int,
        task_id: int | None,
        kind: str,
        until: datetime | None,
        now: datetime,
    ) -> None:
        """Quiet an official's reminders (of one task, or all); it replaces an earlier one."""
        async with self._transaction() as db:
            await db.execute(
                "DELETE FROM quiet WHERE official_id = ? AND task_id IS ?", (official_id, task_id)
            )
            await db.execute(
                "INSERT INTO quiet (official_id, task_id, kind, until, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (official_id, task_id, kind, _iso(until) if until else None, _iso(now)),
            )
            # The tasks concerned are planned again, so an earlier end takes effect.
            if task_id is None:
                await db.execute(
                    "UPDATE followups SET next_at = '' WHERE task_id IN (SELECT t.id FROM tasks t"
                    " JOIN officials o ON o.unit_id = t.unit_id WHERE o.id = ?)",
                    (official_id,),
                )
            else:
                await db.execute("UPDATE followups SET next_at = '' WHERE task_id = ?", (task_id,))

    async def lift_quiet(self, official_id: int, task_id: int | None) -> int:
        """End the official's quiet periods (of one task, or all); how many."""
        async with self._transaction() as db:
            sql = "DELETE FROM quiet WHERE official_id = ?"
            params: list[Any] = [official_id]
            if task_id is not None:
                sql += " AND task_id = ?"
                params.append(task_id)
            cur = await db.execute(sql, params)
            await db.execute(
                "UPDATE followups SET next_at = '' WHERE task_id IN (SELECT t.id FROM tasks t"
                " JOIN officials o ON o.unit_id = t.unit_id WHERE o.id = ?)",
                (official_id,),
            )
            return cur.rowcount

    # -- deadlines and periods -------------------------------------------------------

    async def set_recurrence(self, task_id: int, period: str) -> bool:
        """Choose the period of a recurring duty that had none; False if it had one."""
        async with self._transaction() as db:
            cur = await db.execute(
                "UPDATE tasks SET recurrence = ? WHERE id = ? AND recurrence = ?",
                (period, task_id, "periodic-unspecified"),
            )
            return cur.rowcount > 0

    async def task_recurrence(self, task_id: int) -> str | None:
        """How a task recurs, as stored."""
        row = await self._one("SELECT recurrence FROM tasks WHERE id = ?", (task_id,))
        return row[0] if row else None

    async def add_extension(
        self, task_id: int, official_id: int, wanted: date, reason: str, now: datetime
    ) -> int:
        """Record a request to move a task's deadline; its id."""
        async with self._transaction() as db:
            cur = await db.execute(
                "INSERT INTO extensions (task_id, official_id, wanted, reason, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (task_id, official_id, wanted.isoformat(), reason, _iso(now)),
            )
            return int(cur.lastrowid or 0)

    async def extension(self, extension_id: int) -> Extension | None:
        """An extension request by id."""
        row = await self._one(
            "SELECT id, task_id, official_id, wanted, reason, state FROM extensions WHERE id = ?",
            (extension_id,),
        )
        if row is None:
            return None
        wanted = _date(row[3])
        assert wanted is not None
        return Extension(row[0], row[1], row[2], wanted, row[4], row[5])

    async def decide_extension(
        self, extension_id: int, granted: bool, official_id: int, now: datetime
    ) -> bool:
        """Grant (moving the deadline) or refuse an open request; False if decided before."""
        async with self._transaction() as db:
            cur = await db.execute(
                "UPDATE extensions SET state = ?, decided_by = ?, decided_at = ?"
                " WHERE id = ? AND state = 'open'",
                ("granted" if granted else "refused", official_id, _iso(now), extension_id),
            )
            if cur.rowcount == 0:
                return False
            if granted:
                await db.execute(
                    "UPDATE tasks SET deadline = (SELECT wanted FROM extensions WHERE id = ?)"
                    " WHERE id = (SELECT task_id FROM extensions WHERE id = ?)",
                    (extension_id, extension_id),
                )
        return True

    # -- the weekly digest ---------------------------------------------------------------

    async def digest_owed(self, week: str) -> bool:
        """Whether the week's digests were owed already."""
        return await self._one("SELECT 1 FROM digests WHERE week = ?", (week,)) is not None

    async def claim_digest(self, week: str, now: datetime) -> bool:
        """Take the week's digest (inside the caller's transaction); False if taken before."""
        async with self._transaction() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO digests (week, owed_at) VALUES (?, ?)", (week, _iso(now))
            )
            return cur.rowcount > 0

    async def digest_readers(self) -> list[tuple[int, int, str]]:
        """Every head and leader as (official id, unit id, role)."""
        rows = await self._all(
            "SELECT id, unit_id, role FROM officials WHERE role IN ('head', 'leader') ORDER BY id"
        )
        return [(r[0], r[1], r[2]) for r in rows]

    async def unreachable(self, unit_ids: Sequence[int]) -> list[tuple[str, str | None]]:
        """Units of these with nobody to message, and officials whose chat refused the bot's
        latest message, as (unit name, official name or None)."""
        if not unit_ids:
            return []
        marks = ",".join("?" * len(unit_ids))
        refused = await self._all(
            "SELECT u.name, o.name FROM officials o JOIN units u ON u.id = o.unit_id"
            f" WHERE o.unit_id IN ({marks}) AND (SELECT state FROM outbox b"
            " WHERE b.official_id = o.id AND b.state IN ('sent', 'failed')"
            " ORDER BY b.id DESC LIMIT 1) = 'failed' ORDER BY u.name, o.name",
            list(unit_ids),
        )
        return [(r[0], r[1]) for r in refused]

    async def units_with_open_tasks(self, unit_ids: Sequence[int]) -> list[tuple[int, str]]:
        """Those of these units that have open tasks, as (id, name)."""
        if not unit_ids:
            return []
        marks = ",".join("?" * len(unit_ids))
        rows = await self._all(
            f"SELECT u.id, u.name FROM units u WHERE u.id IN ({marks}) AND EXISTS ("
            " SELECT 1 FROM tasks t WHERE t.unit_id = u.id AND t.status = 'open') ORDER BY u.name",
            list(unit_ids),
        )
        return [(r[0], r[1]) for r in rows]


_BLOCKER_WORDS = ("vướng", "khó khăn", "chưa có kinh phí", "thiếu kinh phí", "blocked")


class DigestQueries(StoreBase):
    """What a weekly digest lists over a set of units: a few of each, and how many in all."""

    async def digest_lists(
        self, unit_ids: Sequence[int], today: date, week_end: date, limit: int = 10
    ) -> dict[str, tuple[int, list[Any]]]:
        """Overdue, due this week, blocked and unreported tasks: (count, first `limit`)."""
        if not unit_ids:
            return {}
        marks = ",".join("?" * len(unit_ids))
        scope = f" WHERE t.status = 'open' AND t.unit_id IN ({marks})"
        blocked = " OR ".join("lu.text LIKE ?" for _ in _BLOCKER_WORDS)
        wheres: dict[str, tuple[str, list[Any]]] = {
            "overdue": (" AND t.deadline < ?", [today.isoformat()]),
            "due_this_week": (
                " AND t.deadline BETWEEN ? AND ?",
                [today.isoformat(), week_end.isoformat()],
            ),
            "blocked": (f" AND ({blocked})", [f"%{w}%" for w in _BLOCKER_WORDS]),
            "no_report": (" AND lu.id IS NULL", []),
        }
        # One query: each open task in scope tagged with the lists it belongs to, the first
        # `limit` of each kept, with each list's full count.
        tags = " UNION ALL ".join(
            f"SELECT '{name}' AS tag, t.id AS id FROM tasks t"
            " LEFT JOIN updates lu ON lu.id = (SELECT MAX(id) FROM updates WHERE task_id = t.id)"
            + scope
            + where
            for name, (where, _) in wheres.items()
        )
        params: list[Any] = []
        for _, extra in wheres.values():
            params += [*unit_ids, *extra]
        rows = await self._all(
            f"WITH tagged AS ({tags}), ranked AS (SELECT tg.tag, tg.id,"
            " ROW_NUMBER() OVER (PARTITION BY tg.tag ORDER BY t.deadline IS NULL, t.deadline,"
            " t.id) AS n, COUNT(*) OVER (PARTITION BY tg.tag) AS total"
            " FROM tagged tg JOIN tasks t ON t.id = tg.id)"
            " SELECT tag, id, total FROM ranked WHERE n <= ? ORDER BY tag, n",
            [*params, limit],
        )
        found: dict[str, tuple[int, list[Any]]] = {name: (0, []) for name in wheres}
        views: dict[int, Any] = {}
        if rows:
            marks = ",".join("?" * len(rows))
            found_rows = await self._all(
                _TASK_VIEW_SQL + f" WHERE t.id IN ({marks})", [r[1] for r in rows]
            )
            views = {v.id: v for v in map(_task_from_row, found_rows)}
        for tag, task_id, total in rows:
            found[tag] = (total, [*found[tag][1], views[task_id]])
        return found

    async def owed_messages(self) -> list[tuple[str, str, datetime]]:
        """Every outbox message as (chat, text, when owed): for tests and the CLI."""
        rows = await self._all("SELECT chat_id, reply, created_at FROM outbox ORDER BY id")
        return [
            (r[0], json.loads(r[1]).get("text", ""), datetime.fromisoformat(r[2])) for r in rows
        ]


class BenchQueries(StoreBase):
    """Set-ups and plain reads that benchmarks measure the sweep against."""

    async def schedule_all(self, at: datetime, due_every: int, due_at: datetime) -> None:
        """Look at every open task next at `at`, except one in `due_every`, due at `due_at`."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE followups SET next_at = CASE WHEN task_id % ? = 0 THEN ? ELSE ? END",
                (due_every, _iso(due_at), _iso(at)),
            )

    async def due_rows(self, now: datetime) -> int:
        """A plain indexed read of every due row with its task: the baseline of a sweep."""
        rows = await self._all(
            "SELECT f.task_id, f.next_at, f.cycle, t.unit_id, t.deadline, t.recurrence, t.status"
            " FROM followups f JOIN tasks t ON t.id = f.task_id WHERE f.next_at <= ?",
            (_iso(now),),
        )
        return len(rows)
