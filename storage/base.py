"""The connection wrapper the query mixins share, and how values are stored as text."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

import aiosqlite


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class StoreBase:
    """One aiosqlite connection, with the helpers every group of queries runs through."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        # Handlers and the sweep share this connection; a commit or rollback must not land in
        # the middle of another task's transaction.
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            try:
                yield self._db
            except BaseException:
                await self._db.rollback()
                raise
            await self._db.commit()

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        async with self._db.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        async with self._db.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())
