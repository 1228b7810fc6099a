"""The leader's summary."""

from __future__ import annotations

from bot.domain import Official
from bot.services import Services
from bot.summary import compile_summary
from bot.transports import Reply, Request
from handlers.base import Command, error, say


async def summary(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """Per directive, counts of done / in progress / overdue / no report, then per unit."""
    if not me.is_leader:
        return error(svc, "not_leader")
    units = await svc.store.subtree(me.unit_id)
    tasks = await svc.store.tasks_of_units(units)
    today = svc.today()
    directives = compile_summary(tasks, await svc.store.directives(), today)
    return [say(svc, "summary", scope=me.unit_name, directives=directives, today=today)]


COMMANDS = [Command("tonghop", "summary", summary, "leader")]
