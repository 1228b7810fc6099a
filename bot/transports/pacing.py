"""Sending at a platform's pace: a smooth rate overall, a gap per chat for bulk, answers first."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.transports.contract import RetryLater

# Waits up to this many seconds are waited out while sending; a longer pause goes back to
# the outbox instead of holding a send in flight.
INLINE_WAIT = 5.0
# The span the platform counts sends over (Telegram: 30 messages in any second).
WINDOW = 1.0


class Turns:
    """One holder at a time; answers before bulk sends, each first come, first served."""

    def __init__(self) -> None:
        self._held = False
        self._queue: list[tuple[bool, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        # Set while a bulk holder naps: an answer arriving meanwhile wakes it to hand over.
        self._nap: asyncio.Future[None] | None = None

    @asynccontextmanager
    async def turn(self, bulk: bool) -> AsyncIterator[None]:
        """Hold the turn for the block, after every answer (and earlier bulk) waiting."""
        if self._held or self._queue:
            waiter = asyncio.get_running_loop().create_future()
            heapq.heappush(self._queue, (bulk, next(self._order), waiter))
            if not bulk and self._nap is not None and not self._nap.done():
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
        """Sleep `seconds` holding a bulk turn; False, at once, if an answer comes meanwhile
        (the holder then gives the turn up and queues again)."""
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


class Pacer:
    """A smooth token bucket: at most `rate` sends a second and never more than the platform
    counts in any WINDOW, no burst; bulk sends keep a gap per chat; answers go first."""

    def __init__(self, rate: float, chat_gap: float) -> None:
        self._interval = 1.0 / rate
        self._chat_gap = chat_gap
        self._next = 0.0
        self._chat_next: dict[str, float] = {}
        self._most = math.ceil(rate * WINDOW)
        self._recent: deque[float] = deque()
        self._turns = Turns()

    async def wait(self, chat_id: str, bulk: bool) -> None:
        """Sleep until this send may go."""
        loop = asyncio.get_running_loop()
        if bulk:
            now = loop.time()
            at = max(now, self._chat_next.get(chat_id, 0.0))
            self._chat_next[chat_id] = at + self._chat_gap
            if len(self._chat_next) > 10_000:  # forget chats whose gap has long passed
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
            await asyncio.sleep(at - now)
        while not await self._slot(bulk):
            pass  # an answer took the slot this bulk send was waiting for

    async def _slot(self, bulk: bool) -> bool:
        # Whether the send took the next slot of the timeline (a bulk send waiting for it gives
        # it up to an answer that comes meanwhile: an answer waits one interval at most).
        loop = asyncio.get_running_loop()
        async with self._turns.turn(bulk):
            held = self._next - loop.time()
            if held > INLINE_WAIT:  # paused by the platform: back to the outbox, not queued here
                raise RetryLater("the platform asked to wait", held)
            if len(self._recent) >= self._most:
                # After a stall the even timeline would catch up; the window forbids a burst.
                held = max(held, self._recent[0] + WINDOW - loop.time())
            if bulk:
                if not await self._turns.nap(held):
                    return False
            else:
                await asyncio.sleep(max(0.0, held))
            now = loop.time()
            late = now - self._next
            # A send a little late keeps the timeline (the next one is not held back for it);
            # one late by more than half an interval (a stalled loop) restarts it.
            self._next = (self._next if late < self._interval / 2 else now) + self._interval
            self._recent.append(now)
            while self._recent and self._recent[0] <= now - WINDOW:
                self._recent.popleft()
            return True

    def pause(self, seconds: float) -> None:
        """Hold every send for `seconds` (the platform said to slow down)."""
        loop = asyncio.get_running_loop()
        self._next = max(self._next, loop.time() + seconds)
