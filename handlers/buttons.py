"""The buttons on a message about a task: done, report progress, more time, later, details."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.domain import Official, TaskStatus
from bot.services import Services
from bot.tasks import TaskError, can_see, task_of
from bot.transports import Reply, Request
from handlers import tasks, updates
from handlers.base import refusal, say, toast
from messages import render

_TASK_BUTTON = re.compile(r"t:(done|note|ext|snz|show|reopen):([0-9]{1,9})")
_USE_NOTE = re.compile(r"t:use:([0-9]{1,9}):([A-Za-z0-9_-]{1,40})")


async def on_task_button(svc: Services, req: Request, me: Official) -> list[Reply]:
    """One tap on a task message; the pressed message loses its buttons once they acted."""
    use = _USE_NOTE.fullmatch(req.callback or "")
    if use is not None:
        return await _use_note(svc, req, me, int(use[1]), use[2])
    match = _TASK_BUTTON.fullmatch(req.callback or "")
    if match is None:
        return refusal(svc, "unknown_command")
    action, task_id = match[1], int(match[2])
    if action == "show":
        task = await svc.store.task(task_id)
        if task is None or not await can_see(svc.store, me, task):
            return refusal(svc, "no_such_task", task_id=task_id)
        return await tasks.show_task(svc, req, me, f"#{task_id}")
    try:
        task = await task_of(svc.store, me, task_id)
    except TaskError as exc:
        return refusal(svc, exc.code, **exc.context)
    if action == "done":
        if task.status is TaskStatus.DONE:
            return refusal(svc, "already_done", task_id=task_id)
        stale = Reply("", edit_of=req.message_id, toast=toast(svc, "done", task_id=task_id))
        return [stale, *await updates.done(svc, req, me, f"#{task_id}")]
    if action == "reopen":
        if task.status is not TaskStatus.DONE:
            return refusal(svc, "not_done", task_id=task_id)
        stale = Reply("", edit_of=req.message_id)
        return [stale, *await updates.reopen(svc, req, me, f"#{task_id}")]
    if action == "note":
        ask = toast(svc, "note", task_id=task_id)
        return [say(svc, "ask_note", task_id=task_id, task=task, force_reply=True, toast=ask)]
    if action == "snz":
        days = render("snooze_buttons", svc.locale).split("|")
        choices = tuple(
            (label, f"snz:{task_id}:{n}") for label, n in zip(days, (1, 3), strict=False)
        )
        return [say(svc, "how_to", buttons=choices, action=action, task=task)]
    # More time: the date and the reason come as a reply to this question.
    return [
        say(
            svc,
            "how_to",
            task_id=task_id,
            force_reply=True,
            expects="extend",
            action=action,
            task=task,
        )
    ]


async def _use_note(
    svc: Services, req: Request, me: Official, task_id: int, message_id: str
) -> list[Reply]:
    # The note typed in reply to a list goes to the task picked; its own message stays the
    # source, so picking twice records it once.
    text = await svc.store.received_text(req.platform, req.chat_id, message_id)
    if not text:
        return refusal(svc, "stale_button")
    note = replace(req, callback=None, callback_id=None, message_id=message_id)
    stale = Reply("", edit_of=req.message_id)
    return [stale, *await updates.record(svc, note, me, task_id, text.strip(), done=False)]


BUTTONS = {"t": on_task_button}
