"""Snooze, mute and leave (/nhaclai, /tatnhac), extension requests (/giahan) and their buttons."""

from __future__ import annotations

import re
from typing import Any

from bot.dates import DateError, parse_date
from bot.domain import Official, Recipient
from bot.followup.requests import day_after, read_quiet, snooze_until
from bot.progress import split_task_ref
from bot.services import Services
from bot.tasks import TaskError, can_see, can_set_deadline, task_of
from bot.transports import Reply, Request
from handlers.base import Command, error, label, say

BUTTONS = ("snz:", "per:", "ext:")
_SNOOZE = re.compile(r"snz:(\d{1,9}):(\d{1,3})")
_PERIOD = re.compile(r"per:(\d{1,9}):(monthly|quarterly|half-yearly|yearly)")
_DECIDE = re.compile(r"ext:(ok|no):(\d{1,9})")
_TASK_ONLY = re.compile(r"^\s*#?(\d{1,9})\b\s*(.*)$", re.DOTALL)
_MAX_REASON = 500


def _answer(svc: Services, code: str, **context: Any) -> list[Reply]:
    return [say(svc, "followup_reply", code=code, **context)]


async def snooze(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """`/nhaclai #12 3 ngày` (or a date): no reminders of that task to me until then."""
    ref = split_task_ref(args)
    if ref is None:
        return error(svc, "missing_task_id", command="nhaclai")
    return await _snooze(svc, me, ref[0], ref[1] or "1")


async def _snooze(svc: Services, me: Official, task_id: int, when: str) -> list[Reply]:
    try:
        task = await task_of(svc.store, me, task_id)
        until = snooze_until(svc, when)
    except TaskError as exc:
        return error(svc, exc.code, **exc.context)
    except DateError as exc:
        return error(svc, exc.code, text=when)
    await svc.store.add_quiet(me.id, task.id, "snooze", until, svc.now())
    return _answer(svc, "snoozed", number=task.id, until=until.astimezone(svc.tz))


async def mute(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """`/tatnhac #12` mutes a task, `/tatnhac đến 15/1` every task (leave); `bỏ` lifts it."""
    match = _TASK_ONLY.match(args)
    task_id, rest = (int(match[1]), match[2]) if match else (None, args)
    try:
        ask = read_quiet(svc, task_id, rest)
        if task_id is not None:
            await task_of(svc.store, me, task_id)
    except TaskError as exc:
        return error(svc, exc.code, **exc.context)
    except DateError as exc:
        return error(svc, exc.code, text=rest)
    if ask.lift:
        lifted = await svc.store.lift_quiet(me.id, task_id)
        return _answer(svc, "unmuted", number=task_id, count=lifted)
    if task_id is None and ask.until is None:
        return _answer(svc, "mute_usage")
    until = day_after(svc, ask.until) if ask.until else None
    kind = "leave" if task_id is None else "mute"
    await svc.store.add_quiet(me.id, task_id, kind, until, svc.now())
    return _answer(svc, "muted", number=task_id, until=ask.until)


async def extend(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """`/giahan #12 30/6/2027 lý do`: ask the head or leader who can move the deadline."""
    ref = split_task_ref(args)
    if ref is None:
        return error(svc, "missing_task_id", command="giahan")
    task_id, rest = ref
    when, _, reason = rest.partition(" ")
    try:
        task = await task_of(svc.store, me, task_id)
        wanted = parse_date(when, svc.today())
    except TaskError as exc:
        return error(svc, exc.code, **exc.context)
    except DateError as exc:
        return error(svc, "missing_date" if not when else exc.code, task_id=task_id, text=when)
    reason = reason.strip()[:_MAX_REASON]
    if not reason:
        return _answer(svc, "extension_needs_reason", number=task_id)
    deciders = await _deciders(svc, me, task.unit_id, task.directive_id)
    if not deciders:
        return _answer(svc, "no_decider", number=task_id)
    ext_id = await svc.store.add_extension(task_id, me.id, wanted, reason, svc.now())
    ctx: dict[str, Any] = {"task": task, "wanted": wanted, "reason": reason, "asker": me.name}
    buttons = (
        (label(svc, "grant"), f"ext:ok:{ext_id}"),
        (label(svc, "refuse"), f"ext:no:{ext_id}"),
    )
    asks = [
        say(
            svc,
            "followup_reply",
            code="extension_asked",
            to=p,
            task_id=task_id,
            buttons=buttons,
            **ctx,
        )
        for p in deciders
    ]
    names = ", ".join(p.name for p in deciders)
    return [*_answer(svc, "extension_sent", number=task_id, names=names, wanted=wanted), *asks]


async def _deciders(
    svc: Services, me: Official, unit_id: int, directive_id: int
) -> list[Recipient]:
    roles = await svc.store.roles_in([unit_id])
    heads = [
        p
        for p in await svc.store.recipients(unit_id)
        if roles.get(p.official_id) == "head" and p.official_id != me.id
    ]
    if heads:
        return heads
    parents, led = await svc.store.leader_units()
    issuer = (await svc.store.issuers([directive_id])).get(directive_id)
    above = issuer if issuer in led else parents.get(unit_id)
    while above is not None and above not in led:
        above = parents.get(above)
    if above is None:
        return []
    roles = await svc.store.roles_in([above])
    return [
        p
        for p in await svc.store.recipients(above)
        if roles.get(p.official_id) in ("leader", "admin") and p.official_id != me.id
    ]


async def button(svc: Services, req: Request, me: Official) -> list[Reply]:
    """A follow-up button: snooze a reminder, choose a report period, decide an extension."""
    data = req.callback or ""
    if found := _SNOOZE.fullmatch(data):
        return await _snooze(svc, me, int(found[1]), found[2])
    if found := _PERIOD.fullmatch(data):
        return await _choose_period(svc, me, int(found[1]), found[2])
    if found := _DECIDE.fullmatch(data):
        return await _decide(svc, me, int(found[2]), found[1] == "ok")
    return error(svc, "unknown_command")


async def _choose_period(svc: Services, me: Official, task_id: int, period: str) -> list[Reply]:
    task = await svc.store.task(task_id)
    if task is None or not me.is_leader or not await can_see(svc.store, me, task):
        return error(svc, "no_such_task", task_id=task_id)
    if not await svc.store.set_recurrence(task_id, period):
        return _answer(svc, "period_known", number=task_id)
    return _answer(svc, "period_set", number=task_id, period=period)


async def _decide(svc: Services, me: Official, ext_id: int, granted: bool) -> list[Reply]:
    ext = await svc.store.extension(ext_id)
    task = await svc.store.task(ext.task_id) if ext is not None else None
    if ext is None or task is None or not await can_set_deadline(svc.store, me, task):
        return error(svc, "not_head")
    async with svc.store.atomic():
        if not await svc.store.decide_extension(ext_id, granted, me.id, svc.now()):
            return _answer(svc, "extension_closed", number=task.id)
        asker = next(
            (
                p
                for p in await svc.store.recipients(task.unit_id)
                if p.official_id == ext.official_id
            ),
            None,
        )
        ctx: dict[str, Any] = {
            "task": task,
            "wanted": ext.wanted,
            "granted": granted,
            "decider": me.name,
        }
        told = [
            say(svc, "followup_reply", code="extension_decided", to=asker, task_id=task.id, **ctx)
        ]
    return [*_answer(svc, "extension_done", **ctx), *(told if asker is not None else [])]


COMMANDS = [
    Command("nhaclai", "snooze", snooze),
    Command("tatnhac", "mute", mute),
    Command("giahan", "extend", extend),
]
