"""The nudge sweep: ask the store what is owed, send it, record what was sent."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.chat import Reply
from bot.domain import Recipient
from bot.nudges import plan
from bot.services import Services
from messages import render

log = logging.getLogger(__name__)


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


async def sweep(svc: Services, sender: Sender, now: datetime | None = None) -> SweepResult:
    """Send every nudge due at `now` (default: the clock) that was not sent before."""
    now = now or svc.now()
    store = svc.store
    sent = failed = skipped = 0
    people: dict[int, list[Recipient]] = {}  # one lookup per unit, not per task
    for task in await store.open_tasks_with_deadline():
        assert task.deadline is not None
        owed = plan(task.deadline, now, svc.nudge_days, svc.nudge_hour, svc.tz)
        if owed.current is None:
            continue
        cycle = task.deadline.isoformat()
        if task.unit_id not in people:
            people[task.unit_id] = await store.recipients(task.unit_id)
        for person in people[task.unit_id]:
            chat_id = sender.address(person)
            if chat_id is None:
                continue
            for old in owed.superseded:
                await store.skip_nudge(task.id, person.official_id, old.kind, cycle, now)
            if not await store.claim_nudge(
                task.id, person.official_id, owed.current.kind, cycle, now
            ):
                continue
            text = render(
                "nudge", svc.locale, kind=owed.current.kind, days=owed.current.days, task=task
            )
            try:
                await sender.send(chat_id, Reply(text, task_id=task.id))
            except DeliveryError as exc:
                log.warning("nudge for task %s to %s failed: %s", task.id, person.name, exc)
                await store.finish_nudge(
                    task.id, person.official_id, owed.current.kind, cycle, "failed", now
                )
                failed += 1
                continue
            await store.finish_nudge(
                task.id, person.official_id, owed.current.kind, cycle, "sent", now
            )
            sent += 1
        skipped += len(owed.superseded)
    return SweepResult(sent=sent, failed=failed, skipped=skipped)
