"""Directive files sent in chat: preview, corrections by reply, confirmation."""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from typing import Any

from bot.dates import DateError, parse_date
from bot.directives.model import Unassigned
from bot.directives.readers import MAX_BYTES, DocumentError, read_document
from bot.domain import Official, TaskView
from bot.importer import (
    SENTENCES_SHOWN,
    PlannedDirective,
    apply_import,
    changes_of,
    directory_of,
    plan_import,
)
from bot.names import name_key
from bot.services import Services
from bot.transports import FetchError, Reply, Request
from bot.transports.outbox import address, owe
from handlers.base import error, label, refusal, say

# A download that takes longer than this has failed, as far as the leader can tell.
FETCH_SECONDS = 60
# imp:<ok|no|skip>:<import>:<revision of its corrections>: an older preview's buttons are stale.
_BUTTON = re.compile(r"imp:(ok|no|skip):([0-9]{1,9})(?::([0-9]{1,5}))?")
# imp:add:<import>:<sentence>: adds a sentence the preview offers as a possible task. The
# sentence is counted over every document's list, so it names the same one in any preview.
_ADD_BUTTON = re.compile(r"imp:add:([0-9]{1,9}):([0-9]{1,4})")
_EDIT = re.compile(
    r"^\s*#?(\d{1,4})\s+(hạn|han|deadline|đơn vị|don vi|unit|bỏ|bo|skip)\s*:?\s*(.*?)\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ADD = re.compile(r"^\s*#\s*(?:thêm|them|add)\s+(.+?)\s*:\s*(.+?)\s*$", re.IGNORECASE | re.DOTALL)


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


def _revision(edits: dict[str, Any]) -> int:
    return int(edits.get("rev", 0))


def _decisions(svc: Services, pending_id: int, rev: int) -> tuple[tuple[str, str], ...]:
    # Carrying the revision makes an older preview's buttons stale.
    return (
        (label(svc, "confirm"), f"imp:ok:{pending_id}:{rev}"),
        (label(svc, "cancel"), f"imp:no:{pending_id}:{rev}"),
    )


def _offers(svc: Services, pending_id: int, plans: list[PlannedDirective]) -> list[tuple[str, str]]:
    """A button for each sentence the preview shows as a possible task."""
    found = []
    offset = 0
    for plan in plans:
        for sentence in plan.sentences()[:SENTENCES_SHOWN]:
            k = offset + plan.doc.unassigned.index(sentence)
            found.append(
                (say(svc, "import_offer", line=sentence.line).text, f"imp:add:{pending_id}:{k}")
            )
        offset += len(plan.doc.unassigned)
    return found


async def preview(
    svc: Services,
    pending_id: int,
    plans: list[PlannedDirective] | None = None,
    edit_of: str | None = None,
) -> list[Reply]:
    """The preview of an import with its corrections, a button per offered sentence, confirm."""
    pending = await svc.store.pending(pending_id)
    assert pending is not None
    if plans is None:
        plans = await plan_import(svc.store, pending.text, pending.edits)
    buttons = (
        *_offers(svc, pending_id, plans),
        *_decisions(svc, pending_id, _revision(pending.edits)),
    )
    changes = [await changes_of(svc.store, p) for p in plans]
    return [
        say(
            svc,
            "import_preview",
            pending_id=pending_id,
            buttons=buttons,
            edit_of=edit_of,
            file_name=pending.file_name,
            plans=plans,
            changes=changes,
            shown=SENTENCES_SHOWN,
            offered=any(p.sentences() for p in plans),
        )
    ]


def _sentence_at(
    plans: list[PlannedDirective], k: int
) -> tuple[int, PlannedDirective, Unassigned] | None:
    """The k-th sentence over every document's list, with its document's index and plan."""
    for doc_index, plan in enumerate(plans):
        if k < len(plan.doc.unassigned):
            return doc_index, plan, plan.doc.unassigned[k]
        k -= len(plan.doc.unassigned)
    return None


async def add_sentence(svc: Services, req: Request, me: Official) -> list[Reply]:
    """A sentence's button under a preview: it becomes an assignment, and the preview shows it."""
    button = _ADD_BUTTON.fullmatch(req.callback or "")
    if button is None:
        return error(svc, "unknown_command")
    pending = await svc.store.pending(int(button[1]))
    if pending is None or pending.state != "open" or pending.official_id != me.id:
        return error(svc, "import_closed")
    plans = await plan_import(svc.store, pending.text, pending.edits)
    found = _sentence_at(plans, int(button[2]))
    if found is None:
        return refusal(svc, "stale_button")
    doc_index, plan, sentence = found
    if sentence not in plan.sentences():
        return refusal(svc, "sentence_added")
    edits = dict(pending.edits)
    edits["add"] = [
        *edits.get("add", []),
        {"name": sentence.unit, "text": sentence.text, "doc": doc_index},
    ]
    edits["rev"] = _revision(edits) + 1
    await svc.store.set_pending_edits(pending.id, edits)
    shown = await preview(svc, pending.id, edit_of=req.message_id)
    return [Reply("", toast=say(svc, "toast", what="added", line=sentence.line).text), *shown]


async def correct(svc: Services, req: Request, me: Official, pending_id: int) -> list[Reply]:
    """A reply to a preview: one correction a line ("#3 hạn 30/6/2027", "#2 đơn vị …",
    "#4 bỏ", "#thêm Phòng Nội vụ: …"); the answer says what changed."""
    pending = await svc.store.pending(pending_id)
    if pending is None or pending.state != "open" or pending.official_id != me.id:
        return error(svc, "import_closed")
    lines = [line for line in req.text.splitlines() if line.strip()][:30]
    if not lines:
        return error(svc, "bad_edit")
    plans = await plan_import(svc.store, pending.text, pending.edits)
    numbers = {str(a.number) for p in plans for a in p.assignments}
    directory = await directory_of(svc.store)
    edits: dict[str, Any] = {
        k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
        for k, v in pending.edits.items()
    }
    done: list[dict[str, Any]] = []
    for line in lines:
        added = _ADD.match(line)
        if added:
            unit = directory.by_name(added[1])
            if unit is None:
                return error(svc, "no_such_unit", name=added[1], close=directory.closest(added[1]))
            edits.setdefault("add", []).append({"unit": unit.id, "text": added[2]})
            done.append({"what": "add", "unit": unit.name, "text": added[2]})
            continue
        match = _EDIT.match(line)
        if match is None:
            return error(svc, "bad_edit")
        number, what, value = match[1], match[2].lower(), match[3]
        if number not in numbers:
            return error(svc, "no_such_assignment", number=number)
        if what in ("bỏ", "bo", "skip"):
            edits["skip"] = sorted(set(edits.get("skip", [])) | {number})
            done.append({"what": "skip", "number": number})
        elif what in ("hạn", "han", "deadline"):
            try:
                deadline = parse_date(value, svc.today())
            except DateError as exc:
                return error(svc, exc.code, text=value)
            edits.setdefault("deadline", {})[number] = deadline.isoformat()
            done.append({"what": "deadline", "number": number, "deadline": deadline})
        else:
            unit = directory.by_name(value)
            if unit is None:
                return error(svc, "no_such_unit", name=value, close=directory.closest(value))
            edits.setdefault("unit", {})[number] = unit.id
            written = _written_name(plans, number)
            if written:  # remembered for the next version and the next document
                edits.setdefault("aliases", {})[written] = unit.id
            done.append({"what": "unit", "number": number, "unit": unit.name})
    edits["rev"] = _revision(edits) + 1
    await svc.store.set_pending_edits(pending_id, edits)
    buttons = _decisions(svc, pending_id, edits["rev"])
    return [say(svc, "import_corrected", pending_id=pending_id, buttons=buttons, done=done)]


def _written_name(plans: list[PlannedDirective], number: str) -> str | None:
    # Only a name the parser read becomes an alias; one added in review may be any words.
    for plan in plans:
        for a in plan.assignments:
            if str(a.number) == number and not a.units and not a.added:
                return a.parsed.unit
    return None


async def decide(svc: Services, req: Request, me: Official) -> list[Reply]:
    """The confirm, skip-and-confirm, cancel or add-a-sentence button of a preview."""
    if (req.callback or "").startswith("imp:add:"):
        return await add_sentence(svc, req, me)
    button = _BUTTON.fullmatch(req.callback or "")
    if button is None:
        return error(svc, "unknown_command")
    pending = await svc.store.pending(int(button[2]))
    if pending is None or pending.state != "open" or pending.official_id != me.id:
        return error(svc, "import_closed")
    if button[3] is not None and int(button[3]) != _revision(pending.edits):
        return refusal(svc, "stale_preview")
    if button[1] == "no":
        await svc.store.close_pending(pending.id, "cancelled")
        return [say(svc, "import_cancelled", file_name=pending.file_name)]
    plans = await plan_import(svc.store, pending.text, pending.edits)
    unassigned = [a for p in plans for a in p.unassigned]
    if unassigned and button[1] == "ok":
        # Nothing is dropped without a word: fix by reply, or confirm without them.
        rev = _revision(pending.edits)
        buttons = (
            (label(svc, "skip_unmatched"), f"imp:skip:{pending.id}:{rev}"),
            (label(svc, "cancel"), f"imp:no:{pending.id}:{rev}"),
        )
        return [
            say(svc, "import_unmatched", pending_id=pending.id, buttons=buttons, items=unassigned)
        ]
    aliases: dict[str, int] = pending.edits.get("aliases", {})
    # The tasks, the closed review, the aliases and the announcements they owe land in one
    # transaction: a crash leaves either nothing (confirm again) or everything, units told.
    async with svc.store.atomic():
        if not await svc.store.close_pending(pending.id, "confirmed"):
            return error(svc, "import_closed")
        for written, unit_id in aliases.items():
            await svc.store.add_alias(written, name_key(written), int(unit_id))
        changes = [await changes_of(svc.store, p) for p in plans]
        result = await apply_import(svc.store, plans, svc.now(), by=me.id)
        fresh: list[TaskView] = []
        for directive_id in result.added:
            fresh += await svc.store.tasks_of_directive(directive_id)
        changed = [
            t
            for directive_id, _ in result.revised
            for t in await svc.store.tasks_of_directive(directive_id)
            if any(c and any(old.id == t.id for old, _ in c.changed) for c in changes)
        ]
        told, silent = await _announce(svc, fresh, changed)
        await owe(svc, told)
    revised = sum(r.kept + r.added for _, r in result.revised)
    return [
        say(
            svc,
            "import_done",
            added=len(result.added),
            revised=len(result.revised),
            tasks=len(fresh) + revised,
            undated=sum(1 for t in fresh if t.deadline is None),
            skipped=unassigned,
            passed_over=[s.line for p in plans for s in p.sentences()],
            silent=silent,
            removed=sum(r.removed for _, r in result.revised),
            retained=sum(r.retained for _, r in result.revised),
        )
    ]


async def _announce(
    svc: Services, fresh: list[TaskView], changed: list[TaskView]
) -> tuple[list[Reply], list[str]]:
    """Messages to each unit's officials; and the units nobody there can be told in."""
    by_unit: dict[int, tuple[list[TaskView], list[TaskView]]] = defaultdict(lambda: ([], []))
    names: dict[int, str] = {}
    for task in fresh:
        by_unit[task.unit_id][0].append(task)
        names[task.unit_id] = task.unit_name
    for task in changed:
        by_unit[task.unit_id][1].append(task)
        names[task.unit_id] = task.unit_name
    replies: list[Reply] = []
    silent: list[str] = []
    for unit_id, (new, moved) in by_unit.items():
        people = [p for p in await svc.store.recipients(unit_id) if address(svc, p)]
        if not people:
            silent.append(names[unit_id])
            continue
        for person in people:
            if new:
                only = new[0].id if len(new) == 1 else None
                replies.append(
                    say(svc, "new_tasks", task_id=only, to=person, tasks=new, today=svc.today())
                )
            if moved:
                only = moved[0].id if len(moved) == 1 else None
                replies.append(
                    say(
                        svc,
                        "tasks_changed",
                        task_id=only,
                        to=person,
                        tasks=moved,
                        today=svc.today(),
                    )
                )
    return replies, silent


BUTTONS = {"imp": decide}
