"""The nudge sweep: ask the store what is owed, send it, record what was sent."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain import Recipient, TaskView
from bot.nudges import plan
from bot.services import Services
from bot.transports import Reply
from messages import render

log = logging.getLogger(__name__)
# Nudges go out from the nudge hour until 20:00 local time.
QUIET_FROM = 20


class DeliveryError(Exception):
    """A message the chat platform did not accept."""


class Sender(Protocol):
    """Sends a reply to a chat; links it to its task so replies to it become notes."""

    def address(self, person: Recipient) -> str | None:
        """The chat id that reaches `person` on this platform, if they have one."""

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver `reply`, or raise DeliveryError."""


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0

    def __add__(self, other: SweepResult) -> SweepResult:
        return SweepResult(
            self.sent + other.sent, self.failed + other.failed, self.skipped + other.skipped
        )


async def sweep(svc: Services, sender: Sender, now: datetime | None = None) -> SweepResult:
    """Send every nudge due at `now` (default: the clock) that was not sent before."""
    now = now or svc.now()
    if not svc.nudge_hour <= now.astimezone(svc.tz).hour < QUIET_FROM:
        return SweepResult()  # nobody is nudged at night; the morning sweep catches up
    result = SweepResult()
    people: dict[int, list[Recipient]] = {}  # one lookup per unit, not per task
    for task in await svc.store.open_tasks_with_deadline():
        try:
            result += await _nudge_task(svc, sender, task, now, people)
        except Exception:
            # One bad row must not stop the nudges of every task after it.
            log.exception("nudging task %s failed; the next sweep tries again", task.id)
    return result


async def _nudge_task(
    svc: Services,
    sender: Sender,
    task: TaskView,
    now: datetime,
    people: dict[int, list[Recipient]],
) -> SweepResult:
    assert task.deadline is not None
    owed = plan(task.deadline, now, svc.nudge_days, svc.nudge_hour, svc.tz)
    if owed.current is None:
        return SweepResult()
    store, kind, cycle = svc.store, owed.current.kind, task.deadline.isoformat()
    if task.unit_id not in people:
        people[task.unit_id] = await store.recipients(task.unit_id)
    sent = failed = 0
    text = render("nudge", svc.locale, kind=kind, days=owed.current.days, task=task)
    for person in people[task.unit_id]:
        chat_id = sender.address(person)
        if chat_id is None:
            continue
        for old in owed.superseded:
            await store.skip_nudge(task.id, person.official_id, old.kind, cycle, now)
        if not await store.claim_nudge(task.id, person.official_id, kind, cycle, now):
            continue
        try:
            await sender.send(chat_id, Reply(text, task_id=task.id))
        except BaseException as exc:
            # Not sent (refused, or cut short by shutdown): the next sweep tries again.
            await store.finish_nudge(task.id, person.official_id, kind, cycle, "failed", now)
            if not isinstance(exc, DeliveryError):
                raise
            log.warning("nudge for task %s to %s failed: %s", task.id, person.name, exc)
            failed += 1
            continue
        await store.finish_nudge(task.id, person.official_id, kind, cycle, "sent", now)
        sent += 1
    return SweepResult(sent=sent, failed=failed, skipped=len(owed.superseded))
