"""Charts drawn in a separate process: matplotlib's renderer holds the interpreter lock for
the whole drawing, which would stall every chat answer in the bot's process meanwhile."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.reports.chart import chart_png

log = logging.getLogger(__name__)
_pool: ProcessPoolExecutor | None = None


def _drawer() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # A fresh interpreter, not a fork of one running database and network threads; at a
        # lower priority, so that on a small machine the chat's answers come before charts.
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=os.nice,
            initargs=(5,),
        )
    return _pool


def close() -> None:
    """Let the drawing process end once the drawing under way, if any, is done (a process
    exiting with it still open would wait for it forever when started by multiprocessing)."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


async def draw_chart(spec: bytes) -> bytes:
    """The chart of a `chart_spec` as PNG bytes, drawn in the drawing process (in a thread if
    that process cannot run)."""
    global _pool
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_drawer(), chart_png, spec)
    except (BrokenProcessPool, OSError, RuntimeError) as exc:
        # A process that cannot start one (no __main__ guard in an embedding script, no
        # /dev/shm) still gets its chart.
        log.warning("the drawing process failed (%s); drawing in a thread", exc)
        _pool = None
        return await asyncio.to_thread(chart_png, spec)
