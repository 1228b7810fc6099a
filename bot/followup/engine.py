"""The sweep: read the due index in batches, owe what each task is owed, look again later.

Each batch is one write transaction: the claims (one per task, official, kind and cycle, ever),
the messages they owe (one per official, listing every item due to them) and each task's next
instant land together, so a crash or a second sweeper can neither lose nor repeat a message.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain import Recipient, TaskView
from bot.followup.calendar import in_working_time
from bot.followup.digest import owe_digests
from bot.followup.plan import Engine, Owed, TaskState, plan_task
from bot.services import Services
from bot.transports.contract import Reply
from bot.transports.outbox import address
from messages import render, task_buttons
from storage import Outgoing
from storage.followups import Claim, ClaimKey, Quiet

log = logging.getLogger(__name__)
# Tasks planned per transaction: the earliest due, then the other due tasks of their units up
# to BATCH_MOST, so each official hears of their unit's items in one message. A batch holds
# the write lock and the event loop for tens of milliseconds: an answer arriving meanwhile
# is not held up for longer.
BATCH = 40
BATCH_MOST = 100
# A sweep sharing its process with the chat rests after each batch, `rest` times as long as
# the batch took (at most REST_MOST s): it owes messages far faster than the platform lets
# them out (about 30 a second), and answers meanwhile find the event loop and the database
# free most of the time instead of queuing behind batch after batch.
REST_MOST = 0.5
# A task whose planning failed is looked at again after this long.
RETRY = timedelta(hours=1)
PERIOD_CHOICES = ("monthly", "quarterly", "half-yearly", "yearly")


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did."""

    owed: int = 0
    skipped: int = 0
    unreachable: int = 0
    planned: int = 0

    def __add__(self, other: SweepResult) -> SweepResult:
        return SweepResult(
            self.owed + other.owed,
            self.skipped + other.skipped,
            self.unreachable + other.unreachable,
            self.planned + other.planned,
        )


@dataclass(frozen=True)
class Line:
    """One item of a follow-up message: what is owed, about which task."""

    owed: Owed
    task: TaskView


def engine_of(svc: Services) -> Engine:
    """The planning settings of these services."""
    return Engine(svc.rules, tuple(svc.nudge_days), svc.nudge_hour, svc.tz)


async def sweep(
    svc: Services,
    now: datetime | None = None,
    stop: asyncio.Event | None = None,
    rest: float = 0.0,
) -> SweepResult:
    """Owe everything due at `now` (default: the clock) that was not owed before; once `stop`
    is set, the batch under way is finished and the rest left for the next sweep. Between
    batches it rests `rest` times as long as the batch took."""
    now = now or svc.now()
    if not in_working_time(now, svc.rules, svc.tz):
        return SweepResult()  # what falls outside working time waits for the next morning
    result = SweepResult(owed=await owe_digests(svc, now))
    eng = engine_of(svc)
    audiences = _Audiences(svc)  # who is who does not change within a sweep
    loop = asyncio.get_running_loop()
    while not (stop and stop.is_set()) and await _anything_due(svc, now):
        began = loop.time()
        result += await _batch(svc, eng, now, audiences)
        if rest:
            await asyncio.sleep(min((loop.time() - began) * rest, REST_MOST))
    return result


async def _anything_due(svc: Services, now: datetime) -> bool:
    with svc.store.reading_aside():
        return await svc.store.anything_due(now)


@dataclass
class _Next:
    task_id: int
    at: datetime | None
    cycle: str | None
    since: datetime | None


@dataclass
class _Batch:
    claims: list[Claim] = field(default_factory=list)
    skips: list[Claim] = field(default_factory=list)
    lines: dict[int, list[Line]] = field(default_factory=lambda: defaultdict(list))
    people: dict[int, Recipient] = field(default_factory=dict)
    plans: list[_Next] = field(default_factory=list)
    unreachable: int = 0

    def wanted(self) -> set[ClaimKey]:
        """Every claim the batch would make."""
        return {c.key for c in self.claims}

    def without(self, task_ids: set[int]) -> _Batch:
        """The batch less these tasks (changed since they were read: planned again later)."""
        lines: dict[int, list[Line]] = defaultdict(list)
        for official, mine in self.lines.items():
            kept = [ln for ln in mine if ln.task.id not in task_ids]
            if kept:
                lines[official] = kept
        return _Batch(
            claims=[c for c in self.claims if c.task_id not in task_ids],
            skips=[c for c in self.skips if c.task_id not in task_ids],
            lines=lines,
            people={o: p for o, p in self.people.items() if o in lines},
            plans=[p for p in self.plans if p.task_id not in task_ids],
            unreachable=self.unreachable,
        )


class _Audiences:
    """Who hears an item, looked up once per unit per sweep."""

    def __init__(self, svc: Services) -> None:
        self._svc = svc
        self._units: dict[int, list[Recipient]] = {}
        self._roles: dict[int, str] = {}
        self._issuers: dict[int, int | None] = {}
        self._importers: dict[int, tuple[int, int]] = {}
        self._tree: tuple[dict[int, int | None], set[int]] | None = None

    async def prefetch(self, states: list[TaskState]) -> None:
        """Look up the roles in the batch's units and its directives' issuers at once."""
        store = self._svc.store
        fresh = list({s.task.unit_id for s in states} - set(self._units))
        self._roles.update(await store.roles_in(fresh))
        found = await store.recipients_in(fresh)
        for unit in fresh:  # one query for the batch's units, not one per unit
            self._units[unit] = [p for p in found.get(unit, []) if address(self._svc, p)]
        directives = list({s.task.directive_id for s in states} - set(self._issuers))
        self._issuers.update(await store.issuers(directives))
        self._importers.update(await store.importers(directives))
        if self._tree is None:
            self._tree = await store.leader_units()

    async def _of_unit(self, unit_id: int) -> list[Recipient]:
        if unit_id not in self._units:
            found = [p for p in await self._svc.store.recipients(unit_id) if address(self._svc, p)]
            self._units[unit_id] = found
            if any(p.official_id not in self._roles for p in found):
                self._roles.update(await self._svc.store.roles_in([unit_id]))
        return self._units[unit_id]

    def _leader_unit(self, task: TaskView) -> int | None:
        # The directive's issuer, else the nearest unit above the task's with a leader.
        assert self._tree is not None
        parents, led = self._tree
        issuer = self._issuers.get(task.directive_id)
        if issuer is not None and issuer in led:
            return issuer
        unit, seen = parents.get(task.unit_id), set()
        while unit is not None and unit not in seen:
            if unit in led:
                return unit
            seen.add(unit)
            unit = parents.get(unit)
        return None

    async def of(self, owed: Owed, task: TaskView) -> list[Recipient]:
        """The officials an item goes to (reachable on a running platform)."""
        if owed.audience == "unit":
            return await self._of_unit(task.unit_id)
        if owed.audience == "importer" and task.directive_id in self._importers:
            official, home = self._importers[task.directive_id]
            found = [p for p in await self._of_unit(home) if p.official_id == official]
            if found:
                return found
        if owed.audience == "head":
            heads = [
                p
                for p in await self._of_unit(task.unit_id)
                if self._roles.get(p.official_id) == "head"
            ]
            if heads:
                return heads
        unit = self._leader_unit(task)
        if unit is None:
            return []
        people = await self._of_unit(unit)
        return [p for p in people if self._roles.get(p.official_id) in ("leader", "admin")]

    def known(self) -> list[int]:
        """Every official looked up so far."""
        return [p.official_id for people in self._units.values() for p in people]


async def _batch(svc: Services, eng: Engine, now: datetime, audiences: _Audiences) -> SweepResult:
    # Planning and rendering happen before the write lock is taken, so answers never queue
    # behind them; the transaction then keeps only the tasks that nothing changed meanwhile
    # (a note, a new deadline, another sweeper) and writes claims, messages and plans.
    store = svc.store
    with store.reading_aside():  # the answers' connection stays free for them
        states = await store.due_tasks(now, BATCH, BATCH_MOST)
        batch = await _plan(svc, eng, now, audiences, states)
    outgoing = _messages(svc, batch, batch.wanted(), now)
    async with store.atomic(background=True):
        await store.begin_write()
        fresh = set(await store.due_again(now, [s.task.id for s in states]))
        stale = {s.task.id for s in states if s not in fresh}
        if stale:
            batch = batch.without(stale)
        won = {c.key for c in await store.claim(batch.claims, now)}
        if stale or won != batch.wanted():
            outgoing = _messages(svc, batch, won, now)
        await store.skip(batch.skips, now)
        await store.enqueue(outgoing, svc.now())
        await store.plan_again([(p.task_id, p.at, p.cycle, p.since) for p in batch.plans])
    return SweepResult(
        owed=len(outgoing),
        skipped=len(batch.skips),
        unreachable=batch.unreachable,
        planned=len(states) - len(stale),
    )


async def _plan(
    svc: Services, eng: Engine, now: datetime, audiences: _Audiences, states: list[TaskState]
) -> _Batch:
    """What each task is owed, to whom, and when to look at it again."""
    await audiences.prefetch(states)
    batch = _Batch()
    wanted: list[tuple[TaskState, Owed, list[Recipient]]] = []
    for state in states:
        try:
            plan = plan_task(state, now, eng)
        except Exception:
            # One bad row must not stop the follow-up of every task after it.
            log.exception("planning task %s failed; trying again later", state.task.id)
            batch.plans.append(_Next(state.task.id, now + RETRY, state.cycle, state.cycle_since))
            continue
        for owed in plan.owed:
            people = await audiences.of(owed, state.task)
            if not people:
                batch.unreachable += 1
            wanted.append((state, owed, people))
        for missed in plan.superseded:
            for person in await audiences.of(missed, state.task):
                batch.skips.append(
                    Claim(state.task.id, person.official_id, missed.kind, missed.cycle)
                )
        batch.plans.append(_Next(state.task.id, plan.next_at, plan.cycle, plan.cycle_since))
    quiet = _by_official(await svc.store.quiet_periods(audiences.known(), now))
    next_at = {p.task_id: p for p in batch.plans}
    for state, owed, people in wanted:
        for person in people:
            hush = _quiet_for(quiet.get(person.official_id, []), state.task.id)
            if hush is not None:
                # Snoozed, muted or on leave: owed again when that ends, if still due.
                row = next_at[state.task.id]
                if hush.until is not None and (row.at is None or hush.until < row.at):
                    row.at = hush.until
                continue
            batch.claims.append(Claim(state.task.id, person.official_id, owed.kind, owed.cycle))
            batch.lines[person.official_id].append(Line(owed, state.task))
            batch.people[person.official_id] = person
    return batch


def _by_official(periods: list[Quiet]) -> dict[int, list[Quiet]]:
    found: dict[int, list[Quiet]] = defaultdict(list)
    for q in periods:
        found[q.official_id].append(q)
    return found


def _quiet_for(periods: list[Quiet], task_id: int) -> Quiet | None:
    matching = [q for q in periods if q.task_id in (None, task_id)]
    if not matching:
        return None
    # The longest wins: a mute without end over a snooze of three days.
    return max(matching, key=lambda q: (q.until is None, q.until.timestamp() if q.until else 0))


def _messages(svc: Services, batch: _Batch, won: set[ClaimKey], now: datetime) -> list[Outgoing]:
    today = now.astimezone(svc.tz).date()
    found = []
    for official_id, lines in batch.lines.items():
        mine = [ln for ln in lines if (ln.task.id, official_id, ln.owed.kind, ln.owed.cycle) in won]
        if not mine:
            continue
        person = batch.people[official_id]
        target = address(svc, person)
        if target is None:
            continue
        tasks = {ln.task.id for ln in mine}
        locale = person.locale or svc.locale  # each official in the language they chose
        reply = Reply(
            render("nudge", locale, lines=mine, today=today),
            task_id=next(iter(tasks)) if len(tasks) == 1 else None,
            buttons=_buttons(locale, mine),
        )
        claims = ",".join(sorted(f"{ln.task.id}:{ln.owed.kind}:{ln.owed.cycle}" for ln in mine))
        key = f"followup:{official_id}:" + hashlib.sha1(claims.encode()).hexdigest()[:20]
        found.append(Outgoing(*target, reply, official_id=official_id, key=key, bulk=True))
    return found


def _buttons(locale: str, lines: list[Line]) -> tuple[tuple[str, str], ...]:
    setup = [ln for ln in lines if ln.owed.kind == "setup-period"]
    if setup:
        task = setup[0].task.id
        labels = render("period_buttons", locale).split("|")
        return tuple(
            (label, f"per:{task}:{p}") for label, p in zip(labels, PERIOD_CHOICES, strict=True)
        )
    tasks = list(dict.fromkeys(ln.task.id for ln in lines if ln.owed.audience == "unit"))
    if len(tasks) == 1:
        return task_buttons(locale, tasks[0])
    return tuple((f"#{task}", f"t:show:{task}") for task in tasks[:8])
