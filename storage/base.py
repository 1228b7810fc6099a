"""The connection the query mixins share (SQLite or PostgreSQL), and how values are stored."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Protocol, TypeVar

from storage.turns import Turns

T = TypeVar("T")
# Converting this many rows to values takes milliseconds: more are converted in a thread.
MANY_ROWS = 1000


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


# A background transaction waits until chat has been quiet this long (the gap between the
# steps of an answer is a few milliseconds), but never longer than PATIENCE in all.
HUSH = 0.05
PATIENCE = 1.0


class _Foreground:
    """How many answers are under way (an update handled, an answer sent), and when the last
    one ended."""

    def __init__(self) -> None:
        self._busy = 0
        self._ended = 0.0

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Count an answer as under way for the block; its writes go first meanwhile."""
        self._busy += 1
        try:
            with _flagged(_ANSWERING):
                yield
        finally:
            self._busy -= 1
            self._ended = asyncio.get_running_loop().time()

    async def pause(self) -> None:
        """Return once foreground writes have paused for HUSH, or after PATIENCE."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + PATIENCE
        while loop.time() < give_up:
            quiet_for = loop.time() - self._ended
            if self._busy == 0 and quiet_for >= HUSH:
                return
            await asyncio.sleep(HUSH - quiet_for if self._busy == 0 else HUSH / 5)


# Set while the current asyncio task holds the write lock inside `atomic()`.
_IN_TRANSACTION: ContextVar[bool] = ContextVar("in_transaction", default=False)
# Set while the current asyncio task answers someone (see `StoreBase.answering`).
_ANSWERING: ContextVar[bool] = ContextVar("answering", default=False)
# Set while the current asyncio task reads aside (see `StoreBase.reading_aside`).
_ASIDE: ContextVar[bool] = ContextVar("aside", default=False)


@contextmanager
def _flagged(flag: ContextVar[bool]) -> Iterator[None]:
    token = flag.set(True)
    try:
        yield
    finally:
        flag.reset(token)


class StoreBase:
    """One connection, with the helpers every group of queries runs through."""

    def __init__(
        self, db: Connection, *, readers: Sequence[Connection] = (), postgres: bool = False
    ) -> None:
        self._db = db
        # Long reads (summaries, reports) run on connections of their own, so the short writes
        # of everyone else's answers never queue behind them; with two, the independent parts
        # of one summary are read side by side (SQLite reads outside the interpreter lock).
        self._reader = readers[0] if readers else db
        self._idle: asyncio.Queue[Connection] = asyncio.Queue()
        for reader in readers or (db,):
            self._idle.put_nowait(reader)
        # Appended to a SELECT that claims rows: on PostgreSQL another replica skips the rows
        # this one holds instead of waiting for them (SQLite has one writer at a time).
        self._claim = " FOR UPDATE SKIP LOCKED" if postgres else ""
        # Handlers and the sweep share this connection; a commit or rollback must not land in
        # the middle of another task's transaction. An answer's writes take the next turn,
        # before sweep batches and the records of bulk sends waiting for it.
        self._write_lock = Turns()
        self._foreground = _Foreground()

    @asynccontextmanager
    async def atomic(self, *, background: bool = False) -> AsyncIterator[None]:
        """One transaction around several store calls: all of their writes land, or none.

        A change and the messages it owes are written together this way, so a crash can
        neither lose the messages nor send them for a change that did not happen. A
        `background` transaction (a sweep batch) first waits, briefly, for a pause in chat
        (see `answering`), so an answer's few writes do not queue behind batch after batch.
        """
        if background and not _IN_TRANSACTION.get():
            await self._foreground.pause()
        async with self._transaction():
            yield

    def answering(self) -> AbstractContextManager[None]:
        """Mark an answer as under way (handling an update, sending its reply): background
        transactions wait for a pause in these."""
        return self._foreground.busy()

    def reading_aside(self) -> AbstractContextManager[None]:
        """Let the block's reads outside a transaction go to the reading connection, so that
        background work (a sweep planning its batch) does not hold up the writing
        connection, which every answer's statements pass through one at a time."""
        return _flagged(_ASIDE)

    def in_front(self) -> AbstractContextManager[None]:
        """Let the block's writes take the next turn at the database, before background ones
        waiting (the outbox's claims, which an owed answer may be waiting for)."""
        return _flagged(_ANSWERING)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Connection]:
        if _IN_TRANSACTION.get():
            yield self._db  # joins the enclosing atomic() block, which commits
            return
        async with self._write_lock.turn(behind=not _ANSWERING.get()):
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
        rows = await self._reads().execute_fetchall(sql, tuple(params))
        return next(iter(rows), None)

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        return list(await self._reads().execute_fetchall(sql, tuple(params)))

    @staticmethod
    async def _fetch(db: Connection, sql: str, params: Any) -> list[Any]:
        async with db.execute(sql, params) as cur:
            return list(await cur.fetchall())

    def _reads(self) -> Connection:
        # Inside a transaction a read must see that transaction's own writes.
        return self._reader if _ASIDE.get() and not _IN_TRANSACTION.get() else self._db

    async def _read(
        self, sql: str, params: Iterable[Any] | dict[str, Any], convert: Callable[[Any], T]
    ) -> list[T]:
        """The rows of a long read, from the reading connection (what is committed), each
        converted by `convert`; thousands of rows are converted off the event loop."""
        bound = params if isinstance(params, dict) else tuple(params)
        # Inside a transaction the read must see that transaction's own writes.
        if _IN_TRANSACTION.get():
            rows = await self._fetch(self._db, sql, bound)
        else:
            db = await self._idle.get()
            try:
                rows = await self._fetch(db, sql, bound)
            finally:
                self._idle.put_nowait(db)
        if len(rows) < MANY_ROWS:
            return [convert(r) for r in rows]
        return await asyncio.to_thread(lambda: [convert(r) for r in rows])
