"""Sign-up, greeting and help."""

from __future__ import annotations

import re

from bot.domain import Official
from bot.services import Services
from bot.transports import Reply, Request
from handlers.base import Command, label, say

# An invite code as `dondoc org invite` prints it, typed with or without spaces and dashes.
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{7,20}$")


async def sign_up(svc: Services, req: Request) -> list[Reply]:
    """Someone not linked yet: an invite code or their shared phone links them, else explain."""
    found: Official | None = None
    command = req.command
    code = command[1] if command and command[0] == "start" else req.text.strip()
    if req.contact_phone:
        found = await svc.store.link_by_phone(
            req.contact_phone, req.platform, req.user_id, svc.now()
        )
    elif code and _CODE.match(code) and (command is not None or " " not in code.strip()):
        found = await svc.store.redeem_invite(code, req.platform, req.user_id, svc.now())
        if found is None:
            return [
                say(
                    svc, "not_registered", user_id=req.user_id, platform=req.platform, bad_code=True
                )
            ]
    if found is not None:
        tasks = await svc.store.tasks_of_units([found.unit_id])
        return [say(svc, "start", official=found, task_count=len(tasks), linked=True)]
    contact = ((label(svc, "contact"), "contact"),) if req.platform == "telegram" else ()
    return [
        Reply(
            say(
                svc, "not_registered", user_id=req.user_id, platform=req.platform, bad_code=False
            ).text,
            buttons=contact,
            ask_contact=bool(contact),
        )
    ]


async def start(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """Greet a registered official by name and unit, with how many tasks the unit has."""
    tasks = await svc.store.tasks_of_units([me.unit_id])
    return [say(svc, "start", official=me, task_count=len(tasks), linked=False)]


async def help_(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """List the commands."""
    return [say(svc, "help")]


COMMANDS = [
    Command("start", "start", start, "Bắt đầu"),
    Command("trogiup", "help", help_, "Hướng dẫn sử dụng"),
]
