"""Sending at a platform's pace: a smooth rate overall, a gap per chat for bulk, answers first."""

from __future__ import annotations

import asyncio
import math
from collections import deque

from bot.transports.contract import RetryLater
from storage.turns import Turns

# Waits up to this many seconds are waited out while sending; a longer pause goes back to
# the outbox instead of holding a send in flight.
INLINE_WAIT = 5.0
# The span the platform counts sends over (Telegram: 30 messages in any second).
WINDOW = 1.0


class Pacer:
    """A smooth token bucket: at most `rate` sends a second and never more than the platform
    counts in any WINDOW, no burst; bulk sends keep a gap per chat; answers go first."""

    def __init__(self, rate: float, chat_gap: float) -> None:
        self._interval = 1.0 / rate
        self._chat_gap = chat_gap
        self._next = 0.0
        self._chat_next: dict[str, float] = {}  # when a gapped send may next go to a chat
        self._chat_held: dict[str, float] = {}  # chats the platform asked to wait for
        self._most = math.ceil(rate * WINDOW)
        self._recent: deque[float] = deque()
        self._turns = Turns()

    async def wait(self, chat_id: str, bulk: bool, *, follows: bool = False) -> None:
        """Sleep until this send may go. A bulk send, and a piece that `follows` another of
        the same message, keeps the chat's gap after the chat's previous send; the first
        piece of an answer goes at once (the platform allows a short burst in a chat)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        at = max(now, self._chat_held.get(chat_id, 0.0))
        if bulk or follows:
            at = max(at, self._chat_next.get(chat_id, 0.0))
        self._chat_next[chat_id] = at + self._chat_gap
        if len(self._chat_next) > 10_000:  # forget chats whose gap has long passed
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
            self._chat_held = {c: t for c, t in self._chat_held.items() if t > now}
        if at > now:
            await asyncio.sleep(at - now)
        while not await self._slot(bulk):
            pass  # an answer took the slot this bulk send was waiting for

    async def _slot(self, bulk: bool) -> bool:
        # Whether the send took the next slot of the timeline (a bulk send waiting for it gives
        # it up to an answer that comes meanwhile: an answer waits one interval at most).
        loop = asyncio.get_running_loop()
        async with self._turns.turn(behind=bulk):
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

    def hold(self, chat_id: str, seconds: float) -> None:
        """Hold the sends to one chat for `seconds` (the platform refused an answer to it:
        most likely that chat's limit, which need not stop every other chat)."""
        until = asyncio.get_running_loop().time() + seconds
        self._chat_held[chat_id] = max(self._chat_held.get(chat_id, 0.0), until)

    def pause(self, seconds: float) -> None:
        """Hold every send for `seconds` (the platform said to slow down)."""
        loop = asyncio.get_running_loop()
        self._next = max(self._next, loop.time() + seconds)
