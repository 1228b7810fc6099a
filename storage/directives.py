"""Queries on directives: their parents, chain links, revisions and tasks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import cast

from bot.domain import Directive, TaskView
from storage.base import StoreBase, _date, _iso
from storage.records import (
    _TASK_VIEW_SQL,
    NewDirective,
    NewTask,
    ParentRef,
    Revision,
    _task_from_row,
    match_tasks,
)


class DirectiveQueries(StoreBase):
    """Directives, the documents they implement, and their tasks."""

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
            ids = await self._ids_by_seq(directive_id)
            await self._link_leads([ids[seq] for seq in range(len(new.tasks))], new.tasks)
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

    async def _ids_by_seq(self, directive_id: int) -> dict[int, int]:
        rows = await self._all("SELECT seq, id FROM tasks WHERE directive_id = ?", (directive_id,))
        return {seq: task_id for seq, task_id in rows}

    async def _link_leads(self, ids: Sequence[int], tasks: Sequence[NewTask]) -> None:
        """Point each coordinating task at its lead task; `ids` are the tasks' ids in order."""
        await self._db.executemany(
            "UPDATE tasks SET lead_task_id = ? WHERE id = ?",
            [
                (ids[t.lead] if t.lead is not None and 0 <= t.lead < len(ids) else None, task_id)
                for task_id, t in zip(ids, tasks, strict=True)
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
            "SELECT t.id, t.unit_id, t.role, t.seq,"
            " EXISTS (SELECT 1 FROM updates u WHERE u.task_id = t.id), t.text"
            " FROM tasks t WHERE t.directive_id = ? ORDER BY t.seq",
            (directive_id,),
        )
        continued = match_tasks([(r[0], r[1], r[2], r[5]) for r in rows], new.tasks)
        next_seq = max((r[3] for r in rows), default=-1) + 1
        fresh: list[tuple[int, NewTask]] = []
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
            for task, task_id in zip(new.tasks, continued, strict=True):
                if task_id is None:
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
                        task_id,
                    ),
                )
            await self._insert_tasks(directive_id, fresh, now)
            by_seq = await self._ids_by_seq(directive_id)
            inserted = iter(by_seq[seq] for seq, _ in fresh)
            ids = [task_id if task_id is not None else next(inserted) for task_id in continued]
            await self._link_leads(ids, new.tasks)
            # A task the correction dropped goes, unless officials already reported on it.
            kept_ids = set(ids)
            old = [(r[0], bool(r[4])) for r in rows if r[0] not in kept_ids]
            dropped = [task_id for task_id, has_updates in old if not has_updates]
            await db.executemany("DELETE FROM tasks WHERE id = ?", [(t,) for t in dropped])
        kept = len(new.tasks) - len(fresh)
        added = len(fresh)
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

    async def lead_of(self, task_id: int) -> TaskView | None:
        """The lead task that a coordinating unit's task shares, if linked."""
        row = await self._one(
            _TASK_VIEW_SQL + " WHERE t.id = (SELECT lead_task_id FROM tasks WHERE id = ?)",
            (task_id,),
        )
        return _task_from_row(row) if row else None

    async def coordinators_of(self, task_id: int) -> list[TaskView]:
        """The coordinating units' tasks linked to a lead task, with their latest notes."""
        rows = await self._all(
            _TASK_VIEW_SQL + " WHERE t.lead_task_id = ? ORDER BY t.seq", (task_id,)
        )
        return [_task_from_row(row) for row in rows]

    async def coordinators_of_tasks(self, task_ids: Sequence[int]) -> dict[int, list[TaskView]]:
        """The coordinating units' tasks of several lead tasks, by lead task id."""
        if not task_ids:
            return {}
        marks = ",".join("?" * len(task_ids))
        rows = await self._all(
            _TASK_VIEW_SQL + f" WHERE t.lead_task_id IN ({marks}) ORDER BY t.directive_id, t.seq",
            list(task_ids),
        )
        found: dict[int, list[TaskView]] = {}
        leads = await self._all(
            f"SELECT id, lead_task_id FROM tasks WHERE lead_task_id IN ({marks})", list(task_ids)
        )
        lead_of = {task_id: lead for task_id, lead in leads}
        for row in rows:
            task = _task_from_row(row)
            found.setdefault(lead_of[task.id], []).append(task)
        return found

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

    async def chain_of(self, directive_id: int) -> list[str]:
        """The documents a directive implements, from the top of the chain down: one per level."""
        rows = await self._all(
            """WITH RECURSIVE up(id, code, depth) AS (
                   SELECT parent_id, code, 1 FROM directive_parents WHERE directive_id = ?
                   UNION ALL
                   SELECT p.parent_id, p.code, up.depth + 1 FROM directive_parents p
                   JOIN up ON p.directive_id = up.id WHERE up.depth < 8)
               SELECT code, depth FROM up ORDER BY depth DESC, code""",
            (directive_id,),
        )
        seen: dict[int, str] = {}
        for code, depth in rows:
            seen.setdefault(depth, code)
        return [seen[d] for d in sorted(seen, reverse=True)]

    async def directive_by_code(self, code: str) -> list[int]:
        """The stored directives with this number and symbol (e.g. "412/KH-UBND")."""
        rows = await self._all(
            "SELECT id FROM directives WHERE lower(code) = lower(?) ORDER BY id", (code.strip(),)
        )
        return [r[0] for r in rows]

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
