"""Progress notes: /capnhat, /xong, /molai, replies to messages about a task, and evidence."""

from __future__ import annotations

from bot.domain import NoteStatus, Official, Recipient, TaskStatus, TaskView
from bot.progress import Reading, read_note, split_task_ref
from bot.services import Services
from bot.tasks import TaskError, task_of
from bot.transports import FetchError, Reply, Request
from handlers.base import Command, error, label, say

# Evidence larger than this is refused before it is downloaded.
MAX_EVIDENCE = 10 * 1024 * 1024


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
    if req.source is not None and await svc.store.has_note_from(req.source):
        # The same message handled again after a restart: it was saved, so say so again.
        return [_saved(svc, task, text, read_note(text), done=done)]
    if len(text) > svc.max_note_length:
        return error(svc, "note_too_long", length=len(text), limit=svc.max_note_length)
    if done and task.status is TaskStatus.DONE:
        return error(svc, "already_done", task_id=task_id)
    reading = read_note(text)
    if done and _needs_confirmation(svc, me, task):
        return await _ask_head(svc, req, me, task, text)
    if reading.out_of_range is not None:
        return error(svc, "percent_out_of_range", percent=reading.out_of_range, task_id=task_id)
    status = TaskStatus.DONE if done else NoteStatus.BLOCKED if reading.blocked else None
    stored = await svc.store.add_update(
        task_id=task_id,
        official_id=me.id,
        text=text,
        percent=100 if done else reading.percent,
        status=status,
        source=req.source,
        now=svc.now(),
    )
    if not stored:
        if req.source is not None and await svc.store.has_note_from(req.source):
            # The same message handled again after a restart: it was saved, so say so.
            task = await svc.store.task(task_id) or task
            return [
                say(
                    svc,
                    "update_saved",
                    task_id=task_id,
                    task=task,
                    text=text,
                    percent=100 if done else reading.percent,
                    done=done,
                    blocked=False,
                    propose_done=False,
                    after_done=False,
                )
            ]
        return [say(svc, "duplicate_update", task_id=task_id, task=task)]
    # A finished-sounding note proposes the one tap that says so; a note after done asks.
    was_done = task.status is TaskStatus.DONE
    buttons: tuple[tuple[str, str], ...] = ()
    if was_done:
        buttons = ((label(svc, "reopen"), f"t:reopen:{task_id}"),)
    elif reading.finished and not done:
        buttons = ((label(svc, "done"), f"t:done:{task_id}"),)
    replies = [
        say(
            svc,
            "update_saved",
            task_id=task_id,
            buttons=buttons,
            task=task,
            text=text,
            percent=100 if done else reading.percent,
            done=done,
            blocked=reading.blocked and not done,
            propose_done=reading.finished and not done and not was_done,
            after_done=was_done,
        )
    ]
    if done and me.role == "member" and task.role == "lead":
        replies += await _tell_heads(svc, me, task_id)
    return replies


def _saved(svc: Services, task: TaskView, text: str, reading: Reading, *, done: bool) -> Reply:
    return say(
        svc,
        "update_saved",
        task_id=task.id,
        task=task,
        text=text,
        percent=100 if done else reading.percent,
        done=done,
        blocked=reading.blocked and not done,
        propose_done=False,
        after_done=False,
    )


def _needs_confirmation(svc: Services, me: Official, task: TaskView) -> bool:
    return svc.done_needs_head and me.role == "member" and task.role == "lead"


async def _ask_head(
    svc: Services, req: Request, me: Official, task: TaskView, text: str
) -> list[Reply]:
    # Recorded as a note at 100 %; the task is done once the head confirms it.
    stored = await svc.store.add_update(
        task_id=task.id,
        official_id=me.id,
        text=text,
        percent=100,
        status=None,
        source=req.source,
        now=svc.now(),
    )
    if not stored:
        return [say(svc, "duplicate_update", task_id=task.id, task=task)]
    confirm = ((label(svc, "confirm_done"), f"t:done:{task.id}"),)
    asks = [
        say(svc, "done_to_confirm", task_id=task.id, buttons=confirm, to=p, task=task, who=me)
        for p in await _heads(svc, me.unit_id)
    ]
    return [say(svc, "done_awaits_head", task_id=task.id, task=task, asked=bool(asks)), *asks]


async def _tell_heads(svc: Services, me: Official, task_id: int) -> list[Reply]:
    task = await svc.store.task(task_id)
    assert task is not None
    reopen = ((label(svc, "reopen"), f"t:reopen:{task_id}"),)
    return [
        say(svc, "done_by_member", task_id=task_id, buttons=reopen, to=person, task=task, who=me)
        for person in await _heads(svc, me.unit_id)
    ]


async def _heads(svc: Services, unit_id: int) -> list[Recipient]:
    roles = await svc.store.roles_in([unit_id])
    return [p for p in await svc.store.recipients(unit_id) if roles.get(p.official_id) == "head"]


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
    note = ref[1] or say(svc, "done_note").text
    return await record(svc, req, me, ref[0], note, done=True)


async def reopen(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """`/molai #12 [lý do]`: a completed task of the unit is open again."""
    ref = split_task_ref(args)
    if ref is None:
        return error(svc, "missing_task_id", command="molai")
    try:
        task = await task_of(svc.store, me, ref[0])
    except TaskError as exc:
        return error(svc, exc.code, **exc.context)
    if task.status is not TaskStatus.DONE:
        return error(svc, "not_done", task_id=task.id)
    await svc.store.add_update(
        task_id=task.id,
        official_id=me.id,
        text=ref[1] or say(svc, "reopen_note").text,
        percent=None,
        status=TaskStatus.OPEN,
        source=req.source,
        now=svc.now(),
    )
    return [say(svc, "reopened", task_id=task.id, task=task)]


async def reply(svc: Services, req: Request, me: Official, task_id: int) -> list[Reply]:
    """A reply to a bot message about a task: its text is a note, its file is evidence."""
    if req.attachment is not None:
        return await keep_evidence(svc, req, me, task_id)
    return await record(svc, req, me, task_id, req.text.strip(), done=False)


async def keep_evidence(svc: Services, req: Request, me: Official, task_id: int) -> list[Reply]:
    """A file or photo about a task of the official's unit is kept as its evidence."""
    attachment = req.attachment
    assert attachment is not None
    try:
        task = await task_of(svc.store, me, task_id)
    except TaskError as exc:
        return error(svc, exc.code, **exc.context)
    if attachment.fetch is None or attachment.size > MAX_EVIDENCE:
        return error(svc, "file_too_big", size=attachment.size // (1024 * 1024) + 1)
    try:
        data = await attachment.fetch()
    except FetchError:
        return error(svc, "download_failed", file_name=attachment.file_name)
    kind = "photo" if req.content == "photo" else "document"
    await svc.store.add_evidence(
        task_id=task_id,
        official_id=me.id,
        file_name=attachment.file_name,
        kind=kind,
        data=data,
        source=req.source,
        now=svc.now(),
    )
    note = req.text.strip()
    replies = [say(svc, "evidence_saved", task_id=task_id, task=task, file=attachment, kind=kind)]
    if note:  # a caption is a note as well
        replies += await record(svc, req, me, task_id, note, done=False)
    return replies


COMMANDS = [
    Command("capnhat", "update", update),
    Command("xong", "done", done),
    Command("molai", "reopen", reopen),
]
