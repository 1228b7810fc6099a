"""Work per chat in order, chats side by side: what the inbox and the outbox both need."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

Key = tuple[str, str]
T = TypeVar("T")


class ChatOrder:
    """Starts each job after the previous one for the same (platform, chat) has finished."""

    def __init__(self) -> None:
        self._tails: dict[Key, asyncio.Task[Any]] = {}

    def start(self, key: Key, job: Callable[[], Awaitable[T]]) -> asyncio.Task[T]:
        """Run `job` once the chat's previous job is done; the task that runs it."""
        task = asyncio.create_task(self._after(self._tails.get(key), job))
        self._tails[key] = task
        task.add_done_callback(partial(self._forget, key))
        return task

    async def settle(self) -> None:
        """Wait until every job started is done."""
        while self._tails:
            await asyncio.wait(list(self._tails.values()))

    @staticmethod
    async def _after(before: asyncio.Task[Any] | None, job: Callable[[], Awaitable[T]]) -> T:
        if before is not None:
            await asyncio.wait([before])
        return await job()

    def _forget(self, key: Key, done: asyncio.Task[Any]) -> None:
        if self._tails.get(key) is done:
            del self._tails[key]
