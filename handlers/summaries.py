"""Summaries and reports for leaders: /tonghop in chat, /baocao as Word and Excel files."""

from __future__ import annotations

from bot.domain import Official
from bot.reports import scope as scopes
from bot.reports.build import chat_reply
from bot.reports.figures import Figures, gather
from bot.reports.later import report_files
from bot.reports.period import Period
from bot.services import Services
from bot.transports import Reply, Request
from handlers.base import Command, say


async def _figures(svc: Services, me: Official, args: str) -> Figures | Reply:
    try:
        scope, period = await scopes.resolve(svc.store, me, args, svc.today())
    except scopes.ScopeError as exc:
        return say(svc, "report_error", code=exc.code, **exc.context)
    return await gather(svc.store, scope, period, svc.now(), svc.tz)


async def summary(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """Counts, then overdue and blocked tasks and silent units, with a chart per unit."""
    figures = await _figures(svc, me, args)
    if isinstance(figures, Reply):
        return [figures]
    return [chat_reply(figures, svc.locale, svc.tz)]


async def report(svc: Services, req: Request, me: Official, args: str) -> list[Reply]:
    """The Word report to sign and the Excel sheet to sort, for a scope and period."""
    figures = await _figures(svc, me, args)
    if isinstance(figures, Reply):
        return [figures]
    text = say(svc, "report_sent", f=figures).text
    # Built when the message is sent, after its text: a province takes tens of seconds.
    return [Reply(text, files=report_files(figures, me.id, svc.locale))]


async def open_part(svc: Services, req: Request, me: Official) -> list[Reply]:
    """A "sum:" button: the summary of one directive or unit of a collapsed summary."""
    data = (req.callback or "").removeprefix("sum:")
    key, _, period_key = data.rpartition(":")
    period = Period.from_key(period_key)
    scope = await scopes.from_key(svc.store, me, key) if period else None
    if scope is None or period is None:
        return [say(svc, "report_error", code="stale_button")]
    figures = await gather(svc.store, scope, period, svc.now(), svc.tz)
    return [chat_reply(figures, svc.locale, svc.tz)]


COMMANDS = [
    Command("tonghop", "summary", summary, "leader"),
    Command("baocao", "report", report, "leader"),
]
