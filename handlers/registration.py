"""Sign-up, greeting and help."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from bot.domain import Official
from bot.reach import reach_report
from bot.services import Services
from bot.transports import Reply, Request
from handlers.base import Command, error, label, say
from messages import LOCALES

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
    return [help_text(svc)]


def help_text(svc: Services) -> Reply:
    """The commands, with example dates that are valid on the day they are shown."""
    return say(svc, "help", example_date=svc.today() + timedelta(days=60))


async def language(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """`/ngonngu en` or `/ngonngu vi`: the language of every answer from now on."""
    chosen = args.strip().lower()[:2]
    if chosen not in LOCALES:
        return error(svc, "unknown_language", text=args)
    await svc.store.set_locale(me.id, chosen)
    return [say(replace(svc, locale=chosen), "language_set")]


_CHANNELS = {
    "telegram": "telegram",
    "tele": "telegram",
    "zalo": "zalo",
    "tự động": None,
    "auto": None,
}


async def channel(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """`/kenh zalo`: where nudges and notices go when one is linked on several platforms."""
    linked = [i.platform for i in await svc.store.identities(me.id)]
    wanted = args.strip().lower()
    if not wanted:
        return [say(svc, "channel", linked=linked, chosen=None, asked=False)]
    if wanted not in _CHANNELS:
        return error(svc, "unknown_channel", text=args)
    platform = _CHANNELS[wanted]
    if platform is not None and platform not in linked:
        return error(svc, "channel_not_linked", text=platform)
    await svc.store.set_preferred_platform(me.id, platform)
    return [say(svc, "channel", linked=linked, chosen=platform, asked=True)]


async def unreachable(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """Heads and leaders: the officials of their units the bot cannot message."""
    if me.role == "member":
        return error(svc, "not_head")
    units = set(await svc.store.subtree(me.unit_id)) if me.role != "admin" else None
    people = {o.id: o for o in await svc.store.officials()}
    shown = [
        r
        for r in await reach_report(svc.store)
        if units is None
        or any(people[o.id].unit_id in units for o in r.unlinked + [o for o, _ in r.unreachable])
    ]
    if me.role == "head":
        shown = [r for r in shown if r.unit_name == me.unit_name]
    return [say(svc, "org_status", units=shown, total=len(people))]


COMMANDS = [
    Command("start", "start", start),
    Command("trogiup", "help", help_),
    Command("ngonngu", "language", language),
    Command("kenh", "channel", channel),
    Command("chuakichhoat", "unreachable", unreachable, "head"),
]
