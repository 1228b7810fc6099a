"""Looking at tasks (a paged list with filters, one task in full) and setting deadlines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.dates import DateError, parse_date
from bot.domain import Official, TaskView
from bot.progress import split_task_ref
from bot.services import Services
from bot.tasks import TaskFilter, by_urgency, can_see, can_set_deadline, filter_of_key, task_filter
from bot.transports import Reply, Request
from bot.transports.outbox import owe
from handlers.base import Command, error, label, refusal, say, task_buttons

PAGE_SIZE = 5
_PAGE_BUTTON = re.compile(r"l:(all|od|w|d[0-9]{1,9}):([0-9]{1,5})")
_FILTER_NAMES = {
    "vi": {"od": "quá hạn", "w": "đến hạn trong tuần này"},
    "en": {"od": "overdue", "w": "due this week"},
}


@dataclass(frozen=True)
class Group:
    """The tasks of one unit on a page."""

    unit: str
    tasks: list[TaskView]


async def _scope(svc: Services, me: Official) -> tuple[list[int], str]:
    # Officials see their unit; leaders their subtree; an admin the whole organisation.
    if me.role == "admin":
        return [u.id for u in await svc.store.units()], say(svc, "org_name").text
    if me.is_leader:
        return await svc.store.subtree(me.unit_id), me.unit_name
    return [me.unit_id], me.unit_name


async def _page(
    svc: Services, me: Official, chosen: TaskFilter, page: int, edit_of: str | None = None
) -> list[Reply]:
    units, scope = await _scope(svc, me)
    today = svc.today()
    found = [t for t in await svc.store.tasks_of_units(units) if chosen.keeps(t, today)]
    ordered = by_urgency(found, today)
    grouped = len(units) > 1 and len({t.unit_id for t in ordered}) > 1
    if grouped:  # by unit, the unit with the most urgent task first
        first: dict[int, int] = {}
        for n, t in enumerate(ordered):
            first.setdefault(t.unit_id, n)
        ordered.sort(key=lambda t: first[t.unit_id])
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    groups: list[Group] = []
    for t in shown:
        if not groups or groups[-1].unit != t.unit_name:
            groups.append(Group(t.unit_name, []))
        groups[-1].tasks.append(t)
    buttons = [(f"#{t.id}", f"t:show:{t.id}") for t in shown]
    if page > 1:
        buttons.append((label(svc, "prev"), f"l:{chosen.key}:{page - 1}"))
    if page < pages:
        buttons.append((label(svc, "next"), f"l:{chosen.key}:{page + 1}"))
    names = _FILTER_NAMES.get(svc.locale, _FILTER_NAMES["vi"])
    filter_name = names.get(chosen.key) or (
        shown[0].directive_code if chosen.directive_ids and shown else ""
    )
    only = shown[0].id if len(ordered) == 1 else None
    # A snooze ends at an hour; a mute or leave "until 15/1" covers that whole day.
    quiet = [
        (q.task_id, q.kind, q.until.astimezone(svc.tz) if q.until else None)
        for q in await svc.store.quiet_periods([me.id], svc.now())
    ]
    quiet = [
        (n, kind, until if kind == "snooze" or until is None else until - timedelta(seconds=1))
        for n, kind, until in quiet
    ]
    return [
        say(
            svc,
            "tasks",
            quiet=quiet,
            task_id=only,
            buttons=tuple(buttons),
            edit_of=edit_of,
            tasks=shown,
            groups=groups,
            grouped=grouped,
            scope=scope,
            filter_name=filter_name,
            total=len(ordered),
            page=page,
            pages=pages,
            today=today,
        )
    ]


async def list_tasks(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """The tasks one oversees, most urgent first, five a page; `#12` shows one, a filter narrows."""
    if split_task_ref(args) is not None:
        return await show_task(svc, req, me, args)
    chosen = await task_filter(svc.store, args)
    if chosen is None:
        return error(svc, "unknown_filter", text=args)
    return await _page(svc, me, chosen, 1)


async def on_page(svc: Services, req: Request, me: Official) -> list[Reply]:
    """◀ ▶ under a list: the same message shows another page."""
    match = _PAGE_BUTTON.fullmatch(req.callback or "")
    if match is None:
        return refusal(svc, "stale_button")
    page = int(match[2])
    replies = await _page(svc, me, filter_of_key(match[1]), page, edit_of=req.message_id)
    return [Reply("", toast=say(svc, "toast", what="page", page=page).text), *replies]


async def show_task(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """One task in full, with its chain, notes and evidence, as a message to reply to."""
    ref = split_task_ref(args)
    if ref is None:
        return error(svc, "missing_task_id", command="nhiemvu")
    task = await svc.store.task(ref[0])
    if task is None or not await can_see(svc.store, me, task):
        return error(svc, "no_such_task", task_id=ref[0])
    buttons = task_buttons(svc, task.id) if task.unit_id == me.unit_id else ()
    return [
        say(
            svc,
            "task",
            task_id=task.id,
            buttons=buttons,
            task=task,
            today=svc.today(),
            chain=await svc.store.chain_of(task.directive_id),
            lead=await svc.store.lead_of(task.id),
            coordinators=await svc.store.coordinators_of(task.id),
            notes=await svc.store.notes_of(task.id),
            evidence=await svc.store.evidence_of(task.id),
        )
    ]


async def set_deadline(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """`/han #12 30/6/2027`: a head or leader sets a task's deadline; the unit is told."""
    ref = split_task_ref(args)
    if ref is None:
        return error(svc, "missing_task_id", command="han")
    task_id, when = ref
    task = await svc.store.task(task_id)
    if task is None or not await can_see(svc.store, me, task):
        return error(svc, "no_such_task", task_id=task_id)
    if not await can_set_deadline(svc.store, me, task):
        return error(svc, "not_head")
    if not when:
        return error(svc, "missing_date", task_id=task_id)
    try:
        deadline = parse_date(when, svc.today())
    except DateError as exc:
        return error(svc, exc.code, text=when)
    told = [
        say(svc, "deadline_moved", task_id=task_id, to=person, task=task, deadline=deadline, who=me)
        for person in await svc.store.recipients(task.unit_id)
        if person.official_id != me.id
    ]
    async with svc.store.atomic():  # the new deadline and the unit's notice land together
        await svc.store.set_deadline(task_id, deadline)
        await owe(svc, told)
    return [say(svc, "deadline_set", task_id=task_id, task=task, deadline=deadline)]


COMMANDS = [
    Command("nhiemvu", "tasks", list_tasks),
    Command("han", "deadline", set_deadline, "head"),
]
BUTTONS = {"l": on_page}
