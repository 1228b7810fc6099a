"""The connection the query mixins share (SQLite or PostgreSQL), and how values are stored."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Generator, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Protocol


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class Cursor(Protocol):
    """The part of aiosqlite's cursor the queries use."""

    @property
    def rowcount(self) -> int: ...

    @property
    def lastrowid(self) -> int | None: ...

    async def fetchone(self) -> Any: ...

    async def fetchall(self) -> Iterable[Any]: ...


class Executing(Protocol):
    """What execute() returns: awaited for the cursor, or used with `async with`."""

    def __await__(self) -> Generator[Any, None, Cursor]: ...

    async def __aenter__(self) -> Cursor: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> Any: ...


class Connection(Protocol):
    """An aiosqlite connection, or the PostgreSQL one shaped like it (storage/pgconn.py)."""

    def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> Executing: ...

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> Any: ...

    async def execute_fetchall(
        self, sql: str, parameters: Iterable[Any] | None = None
    ) -> Iterable[Any]: ...

    @property
    def in_transaction(self) -> bool: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


# Set while the current asyncio task holds the write lock inside `atomic()`.
_IN_TRANSACTION: ContextVar[bool] = ContextVar("in_transaction", default=False)


class StoreBase:
    """One connection, with the helpers every group of queries runs through."""

    def __init__(self, db: Connection, *, postgres: bool = False) -> None:
        self._db = db
        # Appended to a SELECT that claims rows: on PostgreSQL another replica skips the rows
        # this one holds instead of waiting for them (SQLite has one writer at a time).
        self._claim = " FOR UPDATE SKIP LOCKED" if postgres else ""
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
    async def _transaction(self) -> AsyncIterator[Connection]:
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
