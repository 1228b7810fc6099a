"""The figures of a report, gathered from the store: counts, attention list, roll-up, rows."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain import TaskView
from bot.labels import directive_label
from bot.reports.period import Period
from bot.reports.scope import Scope
from storage import Store
from storage.reports import CountRow, DirectiveLink, ReportTask, ReportWindow

DUE_SOON_DAYS = 7
ATTENTION_LIMIT = 30
# A lead unit carries a task; a coordinating unit's share of the work counts for less.
ROLE_WEIGHT = {"lead": 2.0, "coordinate": 1.0, "unspecified": 1.0}


@dataclass(frozen=True)
class Counts:
    """How many tasks stand where; the first five add up to the total."""

    done_on_time: int = 0
    done_late: int = 0
    in_progress: int = 0
    overdue: int = 0
    no_report: int = 0
    due_soon: int = 0
    blocked: int = 0
    unreachable: int = 0

    @property
    def total(self) -> int:
        """Every task counted."""
        return self.done + self.in_progress + self.overdue + self.no_report

    @property
    def done(self) -> int:
        """Tasks done, on time or late."""
        return self.done_on_time + self.done_late

    @property
    def open(self) -> int:
        """Tasks not done."""
        return self.total - self.done

    def values(self) -> tuple[int, ...]:
        """The counts in field order (dataclasses.astuple deep-copies, and is slow)."""
        return tuple(getattr(self, name) for name in _FIELDS)

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.values(), other.values(), strict=True)))


_FIELDS = tuple(f.name for f in fields(Counts))


@dataclass(frozen=True)
class Part:
    """A directive or a unit of the scope, with its counts."""

    id: int
    name: str
    counts: Counts


@dataclass(frozen=True)
class Rollup:
    """A task of the named directive with the tasks that implement it further down."""

    task: ReportTask
    percent: int | None
    below: Counts


@dataclass(frozen=True)
class Figures:
    """Everything a summary or a report shows about one scope and period."""

    scope: Scope
    period: Period
    as_of: date
    counts: Counts
    directives: tuple[Part, ...]
    units: tuple[Part, ...]
    attention: tuple[ReportTask, ...]
    urgent: int
    silent_units: tuple[Part, ...]
    unreachable_units: tuple[str, ...]
    rollup: tuple[Rollup, ...] = ()
    links: tuple[DirectiveLink, ...] = field(default=())
    # The coordinating units' tasks of the lead tasks in the attention list, by lead task id.
    coordinators: Mapping[int, Sequence[TaskView]] = field(default_factory=dict)


def window(scope: Scope, period: Period, now: datetime, tz: ZoneInfo) -> ReportWindow:
    """The store's view of a scope and period: UTC bounds, up to now at the latest."""
    start = datetime.combine(period.start, time.min, tz)
    last = datetime.combine(period.end + timedelta(days=1), time.min, tz) - timedelta(seconds=1)
    end = min(last, now)
    as_of = min(period.end, now.astimezone(tz).date())
    offset = now.astimezone(tz).utcoffset() or timedelta()
    return ReportWindow(
        unit_ids=scope.unit_ids,
        directive_ids=scope.directive_ids,
        start=start.astimezone(UTC),
        end=end.astimezone(UTC),
        as_of=as_of,
        soon=as_of + timedelta(days=DUE_SOON_DAYS),
        utc_offset_minutes=int(offset.total_seconds() // 60),
        current=last >= now,
    )


def _counts(row: CountRow) -> Counts:
    return Counts(
        row.done_on_time,
        row.done_late,
        row.in_progress,
        row.overdue,
        row.no_report,
        row.due_soon,
        row.blocked,
        row.unreached,
    )


def urgency(part: Part) -> tuple[int, int, int, str]:
    """Parts with most overdue, then blocked, then unreported tasks first."""
    c = part.counts
    return (-c.overdue, -c.blocked, -c.no_report, part.name)


async def gather(
    store: Store, scope: Scope, period: Period, now: datetime, tz: ZoneInfo
) -> Figures:
    """Counts per directive and unit, the tasks needing the leader, and the roll-up, in SQL."""
    win = window(scope, period, now, tz)
    unreachable = await store.unreachable_units(win.unit_ids)
    # The counts and the attention list are independent reads: side by side.
    rows, attention_rows = await asyncio.gather(
        store.report_counts(win, unreachable), store.report_attention(win, ATTENTION_LIMIT)
    )
    by_directive = {r.key: _counts(r) for r in rows if r.by == "directive"}
    by_unit = {r.key: _counts(r) for r in rows if r.by == "unit"}
    names = {u.id: u.name for u in await store.units()}
    links = await store.directive_links(set(by_directive))
    # A document without a number is named with its issuer and year, as officials say it.
    codes = {
        d.id: d.code
        if d.code and not d.code.startswith("/") and d.code != d.kind
        else directive_label(d.kind, d.code, d.issuer, d.issued_on)
        for d in links
    }
    directives = sorted((Part(i, codes[i], c) for i, c in by_directive.items()), key=urgency)
    units = sorted((Part(i, names[i], c) for i, c in by_unit.items()), key=urgency)
    attention = tuple(attention_rows)
    leads = [t.id for t in attention if t.role == "lead"]
    rollup: tuple[Rollup, ...] = ()
    if scope.directive_id is not None and scope.subtree:
        named = replace(win, directive_ids={scope.directive_id})
        rollup = roll_up(await store.report_links(win), await store.report_tasks(named))
    return Figures(
        scope=scope,
        period=period,
        as_of=win.as_of,
        counts=sum(by_unit.values(), Counts()),
        directives=tuple(directives),
        units=tuple(units),
        attention=attention,
        urgent=sum(r.urgent for r in rows if r.by == "unit"),
        silent_units=tuple(
            sorted((p for p in units if p.counts.no_report), key=lambda p: -p.counts.no_report)
        ),
        unreachable_units=tuple(sorted(names[i] for i in unreachable if i in by_unit)),
        rollup=rollup,
        links=tuple(links),
        coordinators=await store.coordinators_of_tasks(leads),
    )


class Linked(Protocol):
    """A task as the roll-up sees it (a report row or a bare link)."""

    @property
    def id(self) -> int: ...
    @property
    def parent_task_id(self) -> int | None: ...
    @property
    def role(self) -> str: ...
    @property
    def standing(self) -> str: ...
    @property
    def blocked(self) -> bool: ...
    @property
    def percent(self) -> int | None: ...


def counts_of(tasks: Iterable[Linked]) -> Counts:
    """Count tasks read row by row (for the roll-up and the documents)."""
    standing = {name: 0 for name in ("done_on_time", "done_late", "in_progress", "overdue")}
    no_report = blocked = 0
    for task in tasks:
        if task.standing == "no_report":
            no_report += 1
        else:
            standing[task.standing] += 1
        blocked += task.blocked
    return Counts(**standing, no_report=no_report, blocked=blocked)


class _Tree:
    """Tasks linked to the tasks they implement, with progress rolled up from below."""

    def __init__(self, tasks: Sequence[Linked]) -> None:
        self.children: dict[int, list[Linked]] = {}
        for task in tasks:
            if task.parent_task_id is not None and task.parent_task_id != task.id:
                self.children.setdefault(task.parent_task_id, []).append(task)
        self._percent: dict[int, float | None] = {}

    def percent(self, task: Linked, path: frozenset[int] = frozenset()) -> float | None:
        """The task's own latest percentage, else the role-weighted progress of those below."""
        if task.id in self._percent:
            return self._percent[task.id]
        below = [c for c in self.children.get(task.id, ()) if c.id not in path]
        value: float | None = task.percent
        if value is None and below:
            weights = [ROLE_WEIGHT[c.role] for c in below]
            values = [self.percent(c, path | {task.id}) or 0.0 for c in below]
            value = sum(w * v for w, v in zip(weights, values, strict=True)) / sum(weights)
        self._percent[task.id] = value
        return value

    def below(self, task: Linked) -> list[Linked]:
        """Every task further down the chain from this one."""
        found: list[Linked] = []
        seen = {task.id}
        stack = list(self.children.get(task.id, ()))
        while stack:
            child = stack.pop()
            if child.id in seen:
                continue
            seen.add(child.id)
            found.append(child)
            stack.extend(self.children.get(child.id, ()))
        return found


def roll_up(links: Sequence[Linked], named: Sequence[ReportTask]) -> tuple[Rollup, ...]:
    """The named directive's tasks that others implement, with progress weighted from below.

    A task's progress is its own latest percentage; when it has none of its own but has
    tasks below it, it is their progress weighted by role (done counts as 100 %).
    """
    tree = _Tree(links)
    by_id = {link.id: link for link in links}
    result = []
    for task in named:
        if task.id in tree.children:
            value = tree.percent(by_id.get(task.id, task))
            below = counts_of(tree.below(task))
            result.append(Rollup(task, None if value is None else round(value), below))
    return tuple(result)


def rolled_percents(tasks: Sequence[ReportTask]) -> dict[int, int | None]:
    """Every task's progress, rolled up from below where it has no note of its own."""
    tree = _Tree(tasks)
    return {t.id: None if (v := tree.percent(t)) is None else round(v) for t in tasks}
