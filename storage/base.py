"""The connection wrapper the query mixins share, and how values are stored as text."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import Any

import aiosqlite


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# Set while the current asyncio task holds the write lock inside `atomic()`.
_IN_TRANSACTION: ContextVar[bool] = ContextVar("in_transaction", default=False)


class StoreBase:
    """One aiosqlite connection, with the helpers every group of queries runs through."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        # Handlers and the sweep share this connection; a commit or rollback must not land in
        # the middle of another task's transaction.
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[None]:
        """One transaction around several store calls: all of their writes land, or none.

        A change and the messages it owes are written together this way, so a crash can
        neither lose the messages nor send them for a change that did not happen.
        """
        async with self._transaction():
            yield

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        if _IN_TRANSACTION.get():
            yield self._db  # joins the enclosing atomic() block, which commits
            return
        async with self._write_lock:
            token = _IN_TRANSACTION.set(True)
            try:
                yield self._db
            except BaseException:
                await self._db.rollback()
                raise
            finally:
                _IN_TRANSACTION.reset(token)
            await self._db.commit()

    # One round trip to the database thread per query, not three (execute, fetch, close).
    async def _one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        rows = await self._db.execute_fetchall(sql, tuple(params))
        return next(iter(rows), None)

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        return list(await self._db.execute_fetchall(sql, tuple(params)))
