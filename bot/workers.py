"""Processes of their own for work that holds the interpreter lock for seconds (drawing a chart,
building a report's files), which in the bot's process would stall every chat answer meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class WorkerUnavailable(RuntimeError):
    """The worker process could not be started or died; the work can be done in-process."""


class Worker:
    """One process, started when first needed, at a lower priority than the chat."""

    def __init__(self, name: str, *, stop_at_close: bool = False) -> None:
        self.name = name
        # Work that is made again after a restart (a report's files) need not be waited for.
        self._stop_at_close = stop_at_close
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # A fresh interpreter, not a fork of one running database and network threads; at
            # a lower priority, so that on a small machine the chat's answers come first.
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=os.nice,
                initargs=(5,),
            )
        return self._pool

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in the worker process; WorkerUnavailable if it cannot run there."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor(), function, *args)
        except (BrokenProcessPool, OSError, RuntimeError) as exc:
            # A process that cannot start one (no __main__ guard in an embedding script, no
            # /dev/shm) still gets the work done, in its own process.
            log.warning("the %s process failed (%s); working in-process", self.name, exc)
            self._pool = None
            raise WorkerUnavailable(str(exc)) from exc

    def close(self) -> None:
        """Let the process end once its work under way, if any, is done, or at once for work
        made again later (a process exiting with the pool still open would wait for it
        forever when started by multiprocessing)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if self._stop_at_close:
            # The pool has no public way to end a worker that is busy.
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
