"""All conversation areas, assembled: the command table and the one entry point, `dispatch`."""

from __future__ import annotations

from dataclasses import replace

from bot.domain import Official
from bot.progress import keyword_command
from bot.services import Services
from bot.transports import Reply, Request
from handlers import followup, imports, registration, summaries, tasks, updates
from handlers.base import Command, error, say

COMMANDS: list[Command] = [
    *registration.COMMANDS,
    *tasks.COMMANDS,
    *updates.COMMANDS,
    *summaries.COMMANDS,
    *followup.COMMANDS,
]
_ROUTES = {name: c for c in COMMANDS for name in (c.name, c.alias)}


async def identify(svc: Services, req: Request) -> Official | None:
    """The official behind a request, by the platform's user id."""
    if not req.user_id.lstrip("-").isdigit() or len(req.user_id) > 24:
        return None
    if req.platform == "console":
        return await svc.store.official(int(req.user_id))
    if req.platform == "telegram":
        return await svc.store.official_by_telegram(int(req.user_id))
    if req.platform == "zalo":
        found = await svc.store.official_id_by("zalo_id", req.user_id)
        return await svc.store.official(found) if found is not None else None
    return None


async def dispatch(svc: Services, req: Request) -> list[Reply]:
    """Answer one incoming message: route a command, a reply to a task message, or explain."""
    if req.reply_to_message_id is None and req.callback is None:
        typed = keyword_command(req.text)
        req = replace(req, text=typed) if typed else req
    command = req.command
    if req.chat_type != "private":
        # Task data never goes to a group: one short pointer to a private chat, for commands.
        return [say(svc, "group_chat")] if command is not None else []
    if command is not None and _ROUTES.get(command[0]) is _ROUTES["help"]:
        return [say(svc, "help")]
    me = await identify(svc, req)
    if me is None:
        return [say(svc, "not_registered", user_id=req.user_id)]
    if req.callback is not None and req.callback.startswith(followup.BUTTONS):
        return await followup.button(svc, req, me)
    if req.callback is not None:
        return await imports.decide(svc, req, me)
    if req.content == "document" and req.attachment is not None:
        return await imports.receive_file(svc, req, me)
    if req.content != "text":
        return error(svc, "not_text")
    if command is not None:
        route = _ROUTES.get(command[0])
        if route is None:
            return error(svc, "unknown_command")
        return await route.handler(svc, req, me, command[1])
    if req.reply_to_message_id is not None:
        return await _reply(svc, req, me, req.reply_to_message_id)
    return error(svc, "plain_text")


async def _reply(svc: Services, req: Request, me: Official, message_id: str) -> list[Reply]:
    task_id = await svc.store.task_of_message(req.platform, req.chat_id, message_id)
    if task_id is not None:
        return await updates.reply(svc, req, me, task_id)
    pending_id = await svc.store.import_of_message(req.platform, req.chat_id, message_id)
    if pending_id is not None:
        return await imports.correct(svc, req, me, pending_id)
    return error(svc, "reply_unknown")
