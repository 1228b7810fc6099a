"""Queries for leader reports: figures per directive and unit, tasks needing attention, rows."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, cast

from bot.domain import TaskRole
from storage.base import StoreBase, _date, _iso

Standing = Literal["done_on_time", "done_late", "overdue", "in_progress", "no_report"]


@dataclass(frozen=True)
class ReportWindow:
    """What a report looks at: units, directives (None: all), and the period's bounds."""

    unit_ids: Collection[int]
    directive_ids: Collection[int] | None
    start: datetime
    end: datetime
    as_of: date
    soon: date
    utc_offset_minutes: int
    current: bool = True


@dataclass(frozen=True)
class CountRow:
    """How the tasks of one directive, or of one unit, stand."""

    by: Literal["directive", "unit"]
    key: int
    total: int
    done_on_time: int
    done_late: int
    overdue: int
    in_progress: int
    no_report: int
    due_soon: int
    blocked: int
    urgent: int
    # Open tasks of units where the bot can write to nobody.
    unreached: int


@dataclass(frozen=True)
class ReportTask:
    """One task as a report shows it, with its standing at the end of the period."""

    id: int
    directive_id: int
    directive_code: str
    unit_id: int
    unit_name: str
    role: TaskRole
    text: str
    deadline: date | None
    recurrence: str | None
    parent_task_id: int | None
    standing: Standing
    blocked: bool
    days_overdue: int
    percent: int | None
    note: str | None
    note_at: datetime | None
    notes: int
    evidence: int
    # A coordinating unit's task: the lead task it shares.
    lead_task_id: int | None = None


@dataclass(frozen=True)
class TaskLink:
    """What the roll-up needs of a task: its place in the chain and its standing."""

    id: int
    directive_id: int
    parent_task_id: int | None
    role: TaskRole
    standing: Standing
    blocked: bool
    percent: int | None


@dataclass(frozen=True)
class DirectiveLink:
    """A directive of a report, with the stored directive it implements (if any)."""

    id: int
    code: str
    kind: str | None
    issuer: str | None
    issued_on: date | None
    subject: str | None
    parent_id: int | None


# A note in the period counts as this cycle's report (until reporting cycles are stored).
_REPORTED_NOW = "CASE WHEN t.last_update_at >= :start_at THEN 1 ELSE 0 END"
_REPORTED_THEN = (
    "CASE WHEN EXISTS (SELECT 1 FROM updates WHERE task_id = t.id"
    " AND created_at >= :start_at AND created_at <= :end_at) THEN 1 ELSE 0 END"
)
# A note reports a blocker by its status or in the officials' usual words; the trigger in
# migrations/0003_reports.sql applies the same rule as notes arrive.
_BLOCKED = (
    "(lu.status IS 'blocked' OR lu.text LIKE '%vướng%' OR lu.text LIKE '%khó khăn%'"
    " OR lu.text LIKE '%chưa có kinh phí%')"
)
# How many files officials sent as evidence of the task (one index seek per row).
_EVIDENCE = "(SELECT COUNT(*) FROM evidence e WHERE e.task_id = c.id)"
_SCOPE = """t.unit_id IN (SELECT value FROM json_each(:units)) {directives}"""

# The current period: what the task row keeps up to date (see migrations/0003_reports.sql).
_NOW = f"""
t0 AS (
    SELECT t.id, t.directive_id, t.unit_id, t.deadline, t.role, t.text, t.recurrence,
           t.parent_task_id, t.lead_task_id,
           CASE WHEN t.status = 'done' THEN t.done_at END AS done_at,
           t.last_update_id AS last_id, {_REPORTED_NOW} AS reported,
           t.last_blocked AS noted_blocked, t.last_percent AS percent, t.note_count AS notes
    FROM tasks t WHERE {_SCOPE}
)"""

# A past period: each task as it stood at the period's end, read from its notes.
_THEN = f"""
past AS (
    SELECT t.id, t.directive_id, t.unit_id, t.deadline, t.role, t.text, t.recurrence,
           t.parent_task_id, t.lead_task_id,
           CASE WHEN t.status = 'done' THEN (SELECT MIN(created_at) FROM updates
               WHERE task_id = t.id AND status = 'done') END AS done_at,
           (SELECT id FROM updates WHERE task_id = t.id AND created_at <= :end_at
               ORDER BY created_at DESC LIMIT 1) AS last_id,
           {_REPORTED_THEN} AS reported,
           (SELECT percent FROM updates WHERE task_id = t.id AND percent IS NOT NULL
               AND created_at <= :end_at ORDER BY created_at DESC LIMIT 1) AS percent,
           (SELECT COUNT(*) FROM updates WHERE task_id = t.id AND created_at <= :end_at)
               AS notes
    FROM tasks t WHERE {_SCOPE} AND t.created_at <= :end_at
), t0 AS (
    SELECT past.id, past.directive_id, past.unit_id, past.deadline, past.role, past.text,
           past.recurrence, past.parent_task_id, past.lead_task_id, past.done_at, past.last_id,
           past.reported,
           CASE WHEN {_BLOCKED} THEN 1 ELSE 0 END AS noted_blocked, past.percent, past.notes
    FROM past LEFT JOIN updates lu ON lu.id = past.last_id
)"""

_CLASSIFIED = """
, t1 AS (
    SELECT t0.*, CASE WHEN done_at <= :end_at THEN 1 ELSE 0 END AS done FROM t0
), c AS (
    SELECT t1.*,
           CASE WHEN done = 1 THEN CASE WHEN deadline IS NULL
                    OR date(done_at, :offset) <= deadline THEN 'done_on_time' ELSE 'done_late' END
                WHEN deadline < :as_of THEN 'overdue'
                WHEN reported = 1 THEN 'in_progress' ELSE 'no_report' END AS standing,
           CASE WHEN done = 0 AND noted_blocked = 1 THEN 1 ELSE 0 END AS blocked,
           CASE WHEN done = 0 AND deadline < :as_of
                THEN CAST(julianday(:as_of) - julianday(deadline) AS INTEGER) ELSE 0 END
               AS days_overdue,
           CASE WHEN done = 0 AND deadline >= :as_of AND deadline <= :soon THEN 1 ELSE 0 END
               AS due_soon
    FROM t1
)
"""

_COUNTS_SQL = (
    _CLASSIFIED
    + """
, g AS (
SELECT directive_id, unit_id, COUNT(*) AS n,
       COUNT(*) FILTER (WHERE standing = 'done_on_time') AS on_time,
       COUNT(*) FILTER (WHERE done = 1) AS done,
       COUNT(*) FILTER (WHERE standing = 'overdue') AS overdue,
       COUNT(*) FILTER (WHERE standing = 'in_progress') AS going,
       SUM(due_soon) AS soon, SUM(blocked) AS blocked,
       COUNT(*) FILTER (WHERE standing = 'overdue' OR blocked = 1) AS urgent
FROM c GROUP BY directive_id, unit_id
)"""
)

_ROW_SQL = (
    _CLASSIFIED
    + f"""
SELECT c.id, c.directive_id, d.code, c.unit_id, u.name, c.role, c.text, c.deadline,
       c.recurrence, c.parent_task_id, c.standing, c.blocked, c.days_overdue,
       CASE WHEN c.done = 1 THEN 100 ELSE c.percent END, lu.text, lu.created_at, c.notes,
       {_EVIDENCE}, c.lead_task_id
FROM c JOIN directives d ON d.id = c.directive_id JOIN units u ON u.id = c.unit_id
LEFT JOIN updates lu ON lu.id = c.last_id
"""
)


# The current period straight from the task rows (and their covering index): each count a
# plain condition, so no classification is worked out twice per row. Summed per directive and
# per unit, one query each, as a report shows them: a province has tens of thousands of
# (directive, unit) pairs.
_NOW_FIGURES = f"""COUNT(*),
       COUNT(*) FILTER (WHERE t.status = 'done' AND (t.deadline IS NULL OR t.done_at IS NULL
                OR date(t.done_at, :offset) <= t.deadline)),
       COUNT(*) FILTER (WHERE t.status = 'done'),
       COUNT(*) FILTER (WHERE t.status != 'done' AND t.deadline < :as_of),
       COUNT(*) FILTER (WHERE t.status != 'done' AND (t.deadline IS NULL OR t.deadline >= :as_of)
                AND {_REPORTED_NOW} = 1),
       COUNT(*) FILTER (WHERE t.status != 'done' AND t.deadline >= :as_of
                AND t.deadline <= :soon),
       COUNT(*) FILTER (WHERE t.status != 'done' AND t.last_blocked = 1),
       COUNT(*) FILTER (WHERE t.status != 'done' AND (t.deadline < :as_of OR t.last_blocked = 1)),
       COUNT(*) FILTER (WHERE t.status != 'done'
                AND t.unit_id IN (SELECT value FROM json_each(:unreachable)))"""
# Counted per unit in tasks_report's order. Per directive, most of the organisation's tasks
# are read end to end in directive order (migration 0014), a smaller scope's sought unit by
# unit and sorted. The index is named: left to itself, SQLite's planner may take the
# (directive, unit, seq) key, which lacks the counted columns.
_NOW_BY = f"""SELECT '{{by}}', t.{{by}}_id, {_NOW_FIGURES}
FROM tasks t INDEXED BY {{index}} WHERE {_SCOPE} GROUP BY t.{{by}}_id"""
# A past period's (directive, unit) figures summed per directive and per unit in the database.
_SUMS = "\n" + "\nUNION ALL\n".join(
    f"""SELECT '{by}', {by}_id, SUM(n), SUM(on_time), SUM(done), SUM(overdue), SUM(going),
       SUM(soon), SUM(blocked), SUM(urgent),
       SUM(CASE WHEN unit_id IN (SELECT value FROM json_each(:unreachable)) THEN n - done
           ELSE 0 END)
FROM g GROUP BY {by}_id"""
    for by in ("directive", "unit")
)
_NOW_URGENT = f"""
AND t.id IN (SELECT t.id FROM tasks t WHERE {_SCOPE}
    AND t.status != 'done' AND (t.deadline < :as_of OR t.last_blocked = 1)
    ORDER BY CASE WHEN t.deadline < :as_of THEN 1 ELSE 0 END DESC, t.deadline IS NULL, t.deadline,
             t.last_blocked DESC, t.id
    LIMIT :limit)
"""


_LINK_SQL = (
    _CLASSIFIED
    + """
SELECT c.id, c.directive_id, c.parent_task_id, c.role, c.standing, c.blocked,
       CASE WHEN c.done = 1 THEN 100 ELSE c.percent END
FROM c
"""
)


# The same for the current period, from the task rows, each expression worked out once.
_NOW_LINKS = f"""
SELECT t.id, t.directive_id, t.parent_task_id, t.role,
       CASE WHEN t.status = 'done' THEN CASE WHEN t.deadline IS NULL OR t.done_at IS NULL
                OR date(t.done_at, :offset) <= t.deadline
                THEN 'done_on_time' ELSE 'done_late' END
            WHEN t.deadline < :as_of THEN 'overdue'
            WHEN {_REPORTED_NOW} = 1 THEN 'in_progress' ELSE 'no_report' END,
       CASE WHEN t.status != 'done' AND t.last_blocked = 1 THEN 1 ELSE 0 END,
       CASE WHEN t.status = 'done' THEN 100 ELSE t.last_percent END
FROM tasks t WHERE {_SCOPE}
"""


def _params(window: ReportWindow) -> dict[str, Any]:
    params: dict[str, Any] = {
        "units": json.dumps(sorted(window.unit_ids)),
        "start_at": _iso(window.start),
        "end_at": _iso(window.end),
        "as_of": window.as_of.isoformat(),
        "soon": window.soon.isoformat(),
        "offset": f"{window.utc_offset_minutes:+d} minutes",
    }
    if window.directive_ids is not None:
        params["directives"] = json.dumps(sorted(window.directive_ids))
    return params


def _directive_clause(window: ReportWindow) -> str:
    if window.directive_ids is None:
        return ""
    return "AND t.directive_id IN (SELECT value FROM json_each(:directives))"


def _sql(template: str, window: ReportWindow, extra: str = "") -> str:
    """The query over the window: from the task rows now, from the notes for a past period."""
    clause = _directive_clause(window)
    head = "WITH " + (_NOW if window.current else _THEN)
    # The extra condition may hold the scope itself; its placeholder is filled in after it.
    return (head + template).replace("{directives}", clause + extra).replace("{directives}", clause)


def _report_task(row: Sequence[Any]) -> ReportTask:
    return ReportTask(
        id=row[0],
        directive_id=row[1],
        directive_code=row[2],
        unit_id=row[3],
        unit_name=row[4],
        role=cast(TaskRole, row[5]),
        text=row[6],
        deadline=_date(row[7]),
        recurrence=row[8],
        parent_task_id=row[9],
        standing=cast(Standing, row[10]),
        blocked=bool(row[11]),
        days_overdue=int(row[12]),
        percent=row[13],
        note=row[14],
        note_at=datetime.fromisoformat(row[15]) if row[15] else None,
        notes=int(row[16]),
        evidence=int(row[17]),
        lead_task_id=row[18],
    )


def _task_link(r: Any) -> TaskLink:
    return TaskLink(r[0], r[1], r[2], cast(TaskRole, r[3]), cast(Standing, r[4]), bool(r[5]), r[6])


def _count(row: Any) -> CountRow:
    by, key, *figures = row
    total, on_time, done, overdue, going, due, blocked, urgent, unreached = (
        int(v or 0) for v in figures
    )
    return CountRow(
        by, int(key), total, on_time, done - on_time, overdue, going,
        total - done - overdue - going, due, blocked, urgent, unreached,
    )  # fmt: skip


class ReportQueries(StoreBase):
    """Figures and rows for summaries and reports, aggregated in SQL."""

    async def report_counts(
        self, window: ReportWindow, unreachable: Collection[int] = ()
    ) -> list[CountRow]:
        """How the tasks of each directive and of each unit stand at the end of the window;
        the open tasks of the `unreachable` units are counted apart as well."""
        params = {**_params(window), "unreachable": json.dumps(sorted(unreachable))}
        if not window.current:
            return await self._read(_sql(_COUNTS_SQL, window) + _SUMS, params, _count)
        clause = _directive_clause(window)
        units = (await self._one("SELECT COUNT(*) FROM units"))[0]
        whole = 2 * len(window.unit_ids) >= units
        indexes = {
            "directive": "tasks_report_directive" if whole else "tasks_report",
            "unit": "tasks_report",
        }
        sqls = [
            _NOW_BY.replace("{by}", by).replace("{index}", index).replace("{directives}", clause)
            for by, index in indexes.items()
        ]
        # The two scans are independent: each on a reading connection of its own.
        parts = await asyncio.gather(*(self._read(sql, params, _count) for sql in sqls))
        return [row for part in parts for row in part]

    async def report_attention(self, window: ReportWindow, limit: int) -> list[ReportTask]:
        """Overdue and blocked tasks, most urgent first: longest overdue, blocked ones first."""
        sql = _sql(_ROW_SQL, window, _NOW_URGENT if window.current else "") + (
            " WHERE c.standing = 'overdue' OR c.blocked = 1"
            " ORDER BY c.days_overdue DESC, c.blocked DESC, c.deadline IS NULL, c.deadline, c.id"
            " LIMIT :limit"
        )
        return await self._read(sql, {**_params(window), "limit": limit}, _report_task)

    async def report_tasks(self, window: ReportWindow) -> list[ReportTask]:
        """Every task of the window, by directive, then unit, then document order."""
        sql = _sql(_ROW_SQL, window) + " ORDER BY c.directive_id, u.name, c.id"
        return await self._read(sql, _params(window), _report_task)

    async def report_links(self, window: ReportWindow) -> list[TaskLink]:
        """Every task of the window with its parent task and standing, for the roll-up."""
        if window.current:
            sql = _NOW_LINKS.replace("{directives}", _directive_clause(window))
        else:
            sql = _sql(_LINK_SQL, window)
        return await self._read(sql, _params(window), _task_link)

    async def directive_subtree(self, directive_id: int) -> list[int]:
        """A directive and every stored directive that implements it, further down the chain."""
        rows = await self._all(
            """WITH RECURSIVE sub(id) AS (
                   SELECT CAST(? AS BIGINT) UNION SELECT dp.directive_id FROM directive_parents dp
                   JOIN sub ON dp.parent_id = sub.id)
               SELECT id FROM sub""",
            (directive_id,),
        )
        return [row[0] for row in rows]

    async def directive_links(self, directive_ids: Collection[int]) -> list[DirectiveLink]:
        """The given directives, oldest first, each with the first stored directive it implements."""
        rows = await self._all(
            "SELECT d.id, d.code, d.kind, d.issuer, d.issued_on, d.subject,"
            " (SELECT parent_id FROM directive_parents WHERE directive_id = d.id"
            "  AND parent_id IS NOT NULL ORDER BY rowid LIMIT 1)"
            " FROM directives d WHERE d.id IN (SELECT value FROM json_each(?)) ORDER BY d.id",
            (json.dumps(sorted(directive_ids)),),
        )
        return [DirectiveLink(r[0], r[1], r[2], r[3], _date(r[4]), r[5], r[6]) for r in rows]

    async def directive_codes(self) -> list[tuple[int, str]]:
        """Every directive as (id, number and symbol)."""
        return [
            (r[0], r[1]) for r in await self._all("SELECT id, code FROM directives ORDER BY id")
        ]

    async def unreachable_units(self, unit_ids: Collection[int]) -> set[int]:
        """Units among these with no active official the bot can write to."""
        rows = await self._all(
            "SELECT value FROM json_each(?) WHERE value NOT IN (SELECT o.unit_id FROM officials o"
            " JOIN identities i ON i.official_id = o.id"
            " WHERE o.active = 1 AND i.unreachable_at IS NULL)",
            (json.dumps(sorted(unit_ids)),),
        )
        return {row[0] for row in rows}
