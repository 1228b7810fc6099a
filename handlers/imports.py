"""Directive files sent in chat: preview, corrections by reply, confirmation."""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict

from bot.dates import DateError, parse_date
from bot.directives.readers import MAX_BYTES, DocumentError, read_document
from bot.domain import Official, TaskView
from bot.importer import PlannedDirective, apply_import, directory_of, plan_import
from bot.services import Services
from bot.transports import FetchError, Reply, Request
from bot.transports.outbox import owe
from handlers.base import error, label, say

# A download that takes longer than this has failed, as far as the leader can tell.
FETCH_SECONDS = 60
_BUTTON = re.compile(r"imp:(ok|no):([0-9]{1,9})")
_EDIT = re.compile(
    r"^\s*#?(\d{1,4})\s+(hạn|han|deadline|đơn vị|don vi|unit)\s*:?\s+(.+?)\s*$",
    re.IGNORECASE | re.DOTALL,
)


async def receive_file(svc: Services, req: Request, me: Official) -> list[Reply]:
    """A leader or admin sends a directive file: read it, keep it, show what was found."""
    if not me.is_leader:
        return error(svc, "not_importer")
    attachment = req.attachment
    assert attachment is not None
    if attachment.fetch is None or attachment.size > MAX_BYTES:
        return error(svc, "file_too_big", size=attachment.size // (1024 * 1024) + 1)
    try:
        data = await asyncio.wait_for(attachment.fetch(), FETCH_SECONDS)
    except (FetchError, TimeoutError):
        return error(svc, "download_failed", file_name=attachment.file_name)
    try:
        # pdfminer takes a while on long PDFs; keep the event loop answering others.
        text = await asyncio.to_thread(read_document, data, attachment.file_name)
    except DocumentError as exc:
        return error(svc, "bad_file", reason=str(exc))
    plans = await plan_import(svc.store, text)
    if not plans:
        return error(svc, "no_documents")
    if not any(p.assignments for p in plans):
        return error(svc, "no_assignments")
    pending = await svc.store.add_pending(me.id, attachment.file_name, text, svc.now())
    return await preview(svc, pending, plans)


async def preview(
    svc: Services, pending_id: int, plans: list[PlannedDirective] | None = None
) -> list[Reply]:
    """The preview of an import with its corrections, with confirm and cancel buttons."""
    pending = await svc.store.pending(pending_id)
    assert pending is not None
    if plans is None:
        plans = await plan_import(svc.store, pending.text, pending.edits)
    buttons = (
        (label(svc, "confirm"), f"imp:ok:{pending_id}"),
        (label(svc, "cancel"), f"imp:no:{pending_id}"),
    )
    return [
        say(
            svc,
            "import_preview",
            pending_id=pending_id,
            buttons=buttons,
            file_name=pending.file_name,
            plans=plans,
        )
    ]


async def correct(svc: Services, req: Request, me: Official, pending_id: int) -> list[Reply]:
    """A reply to a preview: "#3 hạn 30/6/2027" or "#2 đơn vị Phòng Nội vụ"."""
    pending = await svc.store.pending(pending_id)
    if pending is None or pending.state != "open" or pending.official_id != me.id:
        return error(svc, "import_closed")
    match = _EDIT.match(req.text)
    if match is None:
        return error(svc, "bad_edit")
    number, what, value = match[1], match[2].lower(), match[3]
    plans = await plan_import(svc.store, pending.text, pending.edits)
    if not any(str(a.number) == number for p in plans for a in p.assignments):
        return error(svc, "no_such_assignment", number=number)
    edits = {k: dict(v) for k, v in pending.edits.items()}
    if what in ("hạn", "han", "deadline"):
        try:
            deadline = parse_date(value, svc.today())
        except DateError as exc:
            return error(svc, exc.code, text=value)
        edits.setdefault("deadline", {})[number] = deadline.isoformat()
    else:
        directory = await directory_of(svc.store)
        unit = directory.by_name(value)
        if unit is None:
            return error(svc, "no_such_unit", name=value, close=directory.closest(value))
        edits.setdefault("unit", {})[number] = unit.id
    await svc.store.set_pending_edits(pending_id, edits)
    return await preview(svc, pending_id)


async def decide(svc: Services, req: Request, me: Official) -> list[Reply]:
    """The confirm or cancel button of a preview."""
    button = _BUTTON.fullmatch(req.callback or "")
    if button is None:
        return error(svc, "unknown_command")
    pending = await svc.store.pending(int(button[2]))
    if pending is None or pending.state != "open" or pending.official_id != me.id:
        return error(svc, "import_closed")
    if button[1] == "no":
        await svc.store.close_pending(pending.id, "cancelled")
        return [say(svc, "import_cancelled", file_name=pending.file_name)]
    plans = await plan_import(svc.store, pending.text, pending.edits)
    # The tasks, the closed review and the announcements they owe land in one transaction: a
    # crash leaves either nothing (confirm again) or everything, with every unit still told.
    async with svc.store.atomic():
        if not await svc.store.close_pending(pending.id, "confirmed"):
            return error(svc, "import_closed")
        result = await apply_import(svc.store, plans, svc.now())
        fresh: list[TaskView] = []
        for directive_id in result.added:
            fresh += await svc.store.tasks_of_directive(directive_id)
        # Units hear about new directives; a corrected version changes tasks they know.
        await owe(svc, await _announce(svc, fresh))
    revised = sum(r.kept + r.added for _, r in result.revised)
    return [
        say(
            svc,
            "import_done",
            added=len(result.added),
            revised=len(result.revised),
            tasks=len(fresh) + revised,
            undated=sum(1 for t in fresh if t.deadline is None),
        )
    ]


async def _announce(svc: Services, tasks: list[TaskView]) -> list[Reply]:
    by_unit: dict[int, list[TaskView]] = defaultdict(list)
    for task in tasks:
        by_unit[task.unit_id].append(task)
    replies = []
    for unit_id, unit_tasks in by_unit.items():
        only = unit_tasks[0].id if len(unit_tasks) == 1 else None
        for person in await svc.store.recipients(unit_id):
            replies.append(
                say(svc, "new_tasks", task_id=only, to=person, tasks=unit_tasks, today=svc.today())
            )
    return replies


BUTTONS = {"imp": decide}
