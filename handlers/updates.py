"""Progress notes: /capnhat, /xong, and replies to messages about a task."""

from __future__ import annotations

from bot.domain import Official, TaskStatus
from bot.progress import percent_in, split_task_ref
from bot.services import Services
from bot.tasks import TaskError, task_of
from bot.transports import Reply, Request
from handlers.base import Command, error, say

DONE_NOTE = {"vi": "Đã hoàn thành.", "en": "Completed."}


async def record(
    svc: Services, req: Request, me: Official, task_id: int, text: str, *, done: bool
) -> list[Reply]:
    """Check and store one progress note on a task of the official's unit."""
    try:
        task = await task_of(svc.store, me, task_id)
    except TaskError as exc:
        return error(svc, exc.code, **exc.context)
    if not text:
        return error(svc, "empty_note", task_id=task_id)
    if len(text) > svc.max_note_length:
        return error(svc, "note_too_long", length=len(text), limit=svc.max_note_length)
    if done and task.status is TaskStatus.DONE:
        return error(svc, "already_done", task_id=task_id)
    percent = 100 if done else percent_in(text)
    stored = await svc.store.add_update(
        task_id=task_id,
        official_id=me.id,
        text=text,
        percent=percent,
        status=TaskStatus.DONE if done else None,
        source=req.source,
        now=svc.now(),
    )
    if not stored:
        return [say(svc, "duplicate_update", task_id=task_id, task=task)]
    return [
        say(svc, "update_saved", task_id=task_id, task=task, text=text, percent=percent, done=done)
    ]


async def update(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """`/capnhat #12 đã xong dự thảo, đạt 60%`: a progress note."""
    ref = split_task_ref(args)
    if ref is None:
        return error(svc, "missing_task_id", command="capnhat")
    return await record(svc, req, me, ref[0], ref[1], done=False)


async def done(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """`/xong #12 [ghi chú]`: the task is completed."""
    ref = split_task_ref(args)
    if ref is None:
        return error(svc, "missing_task_id", command="xong")
    note = ref[1] or DONE_NOTE.get(svc.locale, DONE_NOTE["vi"])
    return await record(svc, req, me, ref[0], note, done=True)


async def reply(svc: Services, req: Request, me: Official, task_id: int) -> list[Reply]:
    """A reply to a bot message about a task: its text is a progress note on that task."""
    return await record(svc, req, me, task_id, req.text.strip(), done=False)


COMMANDS = [
    Command("capnhat", "update", update, "Báo cáo tiến độ: /capnhat #mã nội dung"),
    Command("xong", "done", done, "Báo hoàn thành: /xong #mã"),
]
