"""The nudge sweep: ask the store what is owed and owe it in the outbox, once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.domain import Recipient, TaskView
from bot.nudges import plan
from bot.services import Services
from bot.transports.contract import Reply
from bot.transports.outbox import address
from messages import render
from storage import Outgoing

log = logging.getLogger(__name__)
# Nudges go out from the nudge hour until 20:00 local time.
QUIET_FROM = 20


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did."""

    owed: int = 0
    skipped: int = 0
    unreachable: int = 0

    def __add__(self, other: SweepResult) -> SweepResult:
        return SweepResult(
            self.owed + other.owed,
            self.skipped + other.skipped,
            self.unreachable + other.unreachable,
        )


async def sweep(svc: Services, now: datetime | None = None) -> SweepResult:
    """Owe every nudge due at `now` (default: the clock) that was not owed before."""
    now = now or svc.now()
    if not svc.nudge_hour <= now.astimezone(svc.tz).hour < QUIET_FROM:
        return SweepResult()  # nobody is nudged at night; the morning sweep catches up
    result = SweepResult()
    people: dict[int, list[Recipient]] = {}  # one lookup per unit, not per task
    for task in await svc.store.open_tasks_with_deadline():
        try:
            result += await _nudge_task(svc, task, now, people)
        except Exception:
            # One bad row must not stop the nudges of every task after it.
            log.exception("nudging task %s failed; the next sweep tries again", task.id)
    return result


async def _nudge_task(
    svc: Services, task: TaskView, now: datetime, people: dict[int, list[Recipient]]
) -> SweepResult:
    assert task.deadline is not None
    owed = plan(task.deadline, now, svc.nudge_days, svc.nudge_hour, svc.tz)
    if owed.current is None:
        return SweepResult()
    store, kind, cycle = svc.store, owed.current.kind, task.deadline.isoformat()
    if task.unit_id not in people:
        people[task.unit_id] = await store.recipients(task.unit_id)
    reply = Reply(
        render("nudge", svc.locale, kind=kind, days=owed.current.days, task=task), task_id=task.id
    )
    sent = unreachable = 0
    # The nudge is recorded and owed in one transaction: never owed twice, never lost.
    async with store.atomic():
        for person in people[task.unit_id]:
            target = address(svc, person)
            if target is None:
                unreachable += 1
                continue
            for old in owed.superseded:
                await store.skip_nudge(task.id, person.official_id, old.kind, cycle, now)
            if not await store.owe_nudge(task.id, person.official_id, kind, cycle, now):
                continue
            key = f"nudge:{task.id}:{person.official_id}:{kind}:{cycle}"
            await store.enqueue(
                [Outgoing(*target, reply, official_id=person.official_id, key=key, bulk=True)],
                svc.now(),
            )
            sent += 1
    return SweepResult(owed=sent, skipped=len(owed.superseded), unreachable=unreachable)
