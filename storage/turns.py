"""Turns at something one holder at a time, with those in front served first: the outbox's
sends (answers before bulk messages) and the database's writer (answers before sweeps)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Turns:
    """One holder at a time: those in front (answers) before those behind (bulk sends, sweep
    batches), each first come, first served."""

    def __init__(self) -> None:
        self._held = False
        self._queue: list[tuple[bool, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        # Set while a holder from behind naps: one in front arriving wakes it to hand over.
        self._nap: asyncio.Future[None] | None = None

    @asynccontextmanager
    async def turn(self, *, behind: bool) -> AsyncIterator[None]:
        """Hold the turn for the block, after everyone waiting in front (and those behind who
        came earlier, if `behind`)."""
        if self._held or self._queue:
            waiter = asyncio.get_running_loop().create_future()
            heapq.heappush(self._queue, (behind, next(self._order), waiter))
            if not behind and self._nap is not None and not self._nap.done():
                self._nap.set_result(None)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._pass()  # handed the turn just as we were cancelled: hand it on
                raise
        else:
            self._held = True
        try:
            yield
        finally:
            self._pass()

    async def nap(self, seconds: float) -> bool:
        """Sleep `seconds` holding a turn taken from behind; False, at once, if one in front
        comes meanwhile (the holder then gives the turn up and queues again)."""
        if seconds <= 0:
            return True
        self._nap = asyncio.get_running_loop().create_future()
        try:
            done, _ = await asyncio.wait([self._nap], timeout=seconds)
            return not done
        finally:
            self._nap = None

    def _pass(self) -> None:
        while self._queue:
            _, _, waiter = heapq.heappop(self._queue)
            if not waiter.done():  # a cancelled waiter stays in the heap until here
                waiter.set_result(None)
                return
        self._held = False
