"""All conversation areas, assembled: the command table and the one entry point, `dispatch`."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.domain import Official
from bot.progress import keyword_command, split_task_ref
from bot.services import Services
from bot.transports import Reply, Request
from handlers import buttons, followup, imports, registration, summaries, tasks, updates
from handlers.base import LEVELS, ButtonHandler, Command, error, refusal, say
from messages import LOCALES, render

COMMANDS: list[Command] = [
    *registration.COMMANDS,
    *tasks.COMMANDS,
    *updates.COMMANDS,
    *summaries.COMMANDS,
    *followup.COMMANDS,
]
_ROUTES = {name: c for c in COMMANDS for name in (c.name, c.alias)}
_TASK_MENTION = re.compile(r"#(\d{1,9})\b")


def menu(level: str, locale: str) -> list[tuple[str, str]]:
    """The command menu of a role ("member", "head", "leader", "admin") in a language."""
    shown = LEVELS.get(level, LEVELS["member"])
    return [
        (c.alias if locale == "en" else c.name, render("menu", locale, name=c.name))
        for c in COMMANDS
        if c.audience in shown
    ]


# Button data is "<prefix>:…"; each area answers its own prefix.
BUTTONS: dict[str, ButtonHandler] = {
    **imports.BUTTONS,
    **buttons.BUTTONS,
    **tasks.BUTTONS,
    "sum": summaries.open_part,
    **{prefix.rstrip(":"): followup.button for prefix in followup.BUTTONS},
}


async def identify(svc: Services, req: Request) -> Official | None:
    """The active official behind a request, by (platform, user id)."""
    return await svc.store.official_by(req.platform, req.user_id)


def language_of(svc: Services, req: Request, me: Official | None) -> str:
    """The language to answer in: the one chosen, else the app's (English or not), else ours."""
    if me is not None and me.locale in LOCALES:
        return me.locale
    if req.language and req.language.lower().startswith("en"):
        return "en"
    if req.language and req.language.lower().startswith("vi"):
        return "vi"
    return svc.locale


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
        return [registration.help_text(svc)]
    me = await identify(svc, req)
    svc = replace(svc, locale=language_of(svc, req, me))
    if me is None:
        return await registration.sign_up(svc, req)
    if req.callback is not None:
        pressed = BUTTONS.get(req.callback.split(":", 1)[0])
        return await pressed(svc, req, me) if pressed else refusal(svc, "stale_button")
    if req.content in ("document", "photo") and req.attachment is not None:
        return await _file(svc, req, me)
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


async def _file(svc: Services, req: Request, me: Official) -> list[Reply]:
    # A file about a task is its evidence; a leader's other document is a directive to read.
    task_id = None
    if req.reply_to_message_id is not None:
        task_id = await svc.store.task_of_message(
            req.platform, req.chat_id, req.reply_to_message_id
        )
    command = req.command
    if task_id is None and command is not None and _ROUTES.get(command[0]) is _ROUTES["capnhat"]:
        ref = split_task_ref(command[1])
        if ref is not None:
            task_id = ref[0]
            req = replace(req, text=ref[1])
    if task_id is not None:
        return await updates.keep_evidence(svc, req, me, task_id)
    if req.content == "document" and me.is_leader:
        return await imports.receive_file(svc, req, me)
    return error(svc, "evidence_needs_task")


async def _reply(svc: Services, req: Request, me: Official, message_id: str) -> list[Reply]:
    task_id = await svc.store.task_of_message(req.platform, req.chat_id, message_id)
    if task_id is not None:
        wanted = await svc.store.expectation_of_message(req.platform, req.chat_id, message_id)
        if wanted == "extend" and req.attachment is None:
            return await followup.extend(svc, req, me, f"#{task_id} {req.text.strip()}")
        return await updates.reply(svc, req, me, task_id)
    pending_id = await svc.store.import_of_message(req.platform, req.chat_id, message_id)
    if pending_id is not None:
        return await imports.correct(svc, req, me, pending_id)
    mentioned = set(_TASK_MENTION.findall(req.reply_to_text or ""))
    if len(mentioned) == 1:
        # A bot message about one task whose link was not kept (sent again after a crash).
        return await updates.reply(svc, req, me, int(mentioned.pop()))
    listed = await svc.store.choices_of_message(req.platform, req.chat_id, message_id)
    shown = [data.split(":")[2] for _, data in listed if data.startswith("t:show:")]
    if shown and req.message_id is not None and req.text.strip():
        # A reply to a list: which task is the note about?
        picks = tuple((f"#{n}", f"t:use:{n}:{req.message_id}") for n in shown)
        return [say(svc, "which_task", buttons=picks)]
    return error(svc, "reply_unknown")
