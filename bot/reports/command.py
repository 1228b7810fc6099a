"""`dondoc report`: the summary on the terminal, and the files a leader files upward."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from bot.reports.build import chat_reply, documents, labels
from bot.reports.chart import chart_spec
from bot.reports.drawing import draw_chart
from bot.reports.figures import gather
from bot.reports.scope import ScopeError, narrow, resolve
from bot.services import Services
from bot.transports.plaintext import to_plain
from messages import render


async def report_command(
    svc: Services,
    *,
    directive: str | None,
    unit: str | None,
    period: str | None,
    docx: Path | None,
    xlsx: Path | None,
    png: Path | None,
    out: Callable[[str], None],
) -> int:
    """Print the summary of the whole organisation (or a directive, a unit) and write files."""
    try:
        scope, span = await resolve(svc.store, None, period or "", svc.today())
        for name in (directive, unit):
            if name:
                scope = await narrow(svc.store, scope, name)
    except ScopeError as exc:
        out(to_plain(render("report_error", svc.locale, code=exc.code, **exc.context)))
        return 2
    figures = await gather(svc.store, scope, span, svc.now(), svc.tz)
    out(to_plain(chat_reply(figures, svc.locale, svc.tz).text))
    if docx or xlsx:
        word, excel = await documents(svc.store, figures, None, svc.now(), svc.tz, svc.locale)
        for path, file in ((docx, word), (xlsx, excel)):
            if path:
                await asyncio.to_thread(path.write_bytes, file.data)
                out(render("report_written", svc.locale, path=str(path)))
    if png:
        chart = await draw_chart(chart_spec(figures, labels(svc.locale)))
        await asyncio.to_thread(png.write_bytes, chart)
        out(render("report_written", svc.locale, path=str(png)))
    return 0
