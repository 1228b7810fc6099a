"""Greeting and help."""

from __future__ import annotations

from bot.domain import Official
from bot.services import Services
from bot.transports import Reply, Request
from handlers.base import Command, say


async def start(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """Greet a registered official by name and unit, with how many tasks the unit has."""
    tasks = await svc.store.tasks_of_units([me.unit_id])
    return [say(svc, "start", official=me, task_count=len(tasks))]


async def help_(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """List the commands."""
    return [say(svc, "help")]


COMMANDS = [
    Command("start", "start", start, "Bắt đầu"),
    Command("trogiup", "help", help_, "Hướng dẫn sử dụng"),
]
