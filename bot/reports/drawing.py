"""Charts drawn in a separate process: matplotlib's renderer holds the interpreter lock for
the whole drawing, which would stall every chat answer in the bot's process meanwhile."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.reports.chart import chart_png
from bot.reports.figures import Figures

log = logging.getLogger(__name__)
_pool: ProcessPoolExecutor | None = None


def _drawer() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # A fresh interpreter, not a fork of one running database and network threads.
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return _pool


async def draw_chart(figures: Figures, labels: dict[str, str]) -> bytes:
    """The summary chart as PNG bytes, drawn in the drawing process (in a thread if that
    process cannot run)."""
    global _pool
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_drawer(), chart_png, figures, labels)
    except (BrokenProcessPool, OSError, RuntimeError) as exc:
        # A process that cannot start one (no __main__ guard in an embedding script, no
        # /dev/shm) still gets its chart.
        log.warning("the drawing process failed (%s); drawing in a thread", exc)
        _pool = None
        return await asyncio.to_thread(chart_png, figures, labels)
