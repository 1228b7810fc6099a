"""Looking at tasks and setting their deadlines."""

from __future__ import annotations

from datetime import timedelta

from bot.dates import DateError, parse_date
from bot.domain import Official
from bot.progress import split_task_ref
from bot.services import Services
from bot.tasks import by_urgency, can_see, can_set_deadline
from bot.transports import Reply, Request
from handlers.base import Command, error, say


async def list_tasks(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """The unit's tasks, most urgent first; `/nhiemvu #12` shows one task in full."""
    if args:
        return await show_task(svc, req, me, args)
    tasks = by_urgency(await svc.store.tasks_of_units([me.unit_id]), svc.today())
    only = tasks[0].id if len(tasks) == 1 else None
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
            task_id=only,
            tasks=tasks,
            unit_name=me.unit_name,
            today=svc.today(),
            quiet=quiet,
        )
    ]


async def show_task(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """One task in full, as a message that can be replied to."""
    ref = split_task_ref(args)
    if ref is None:
        return error(svc, "missing_task_id", command="nhiemvu")
    task = await svc.store.task(ref[0])
    if task is None or not await can_see(svc.store, me, task):
        return error(svc, "no_such_task", task_id=ref[0])
    return [say(svc, "task", task_id=task.id, task=task, today=svc.today())]


async def set_deadline(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """`/han #12 30/6/2027`: a head or leader sets a task's deadline."""
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
    await svc.store.set_deadline(task_id, deadline)
    return [say(svc, "deadline_set", task_id=task_id, task=task, deadline=deadline)]


COMMANDS = [
    Command("nhiemvu", "tasks", list_tasks, "Nhiệm vụ của đơn vị"),
    Command("han", "deadline", set_deadline, "Đặt hạn nhiệm vụ (trưởng đơn vị, lãnh đạo)"),
]
