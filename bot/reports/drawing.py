"""Charts drawn in a process of their own: matplotlib's renderer holds the interpreter lock for
the whole drawing, which would stall every chat answer in the bot's process meanwhile."""

from __future__ import annotations

import asyncio

from bot.reports.chart import chart_png
from bot.workers import Worker, WorkerUnavailable

_drawer = Worker("drawing")


def close() -> None:
    """Let the drawing process end once the drawing under way, if any, is done."""
    _drawer.close()


async def draw_chart(spec: bytes) -> bytes:
    """The chart of a `chart_spec` as PNG bytes, drawn in the drawing process (in a thread if
    that process cannot run)."""
    try:
        return await _drawer.run(chart_png, spec)
    except WorkerUnavailable:
        return await asyncio.to_thread(chart_png, spec)
