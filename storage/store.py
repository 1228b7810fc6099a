"""The Store: every query dondoc makes, as async methods returning frozen dataclasses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import aiosqlite
import asyncpg

from storage.dbfile import check_file, read_version
from storage.dburl import database_of, shown
from storage.directives import DirectiveQueries
from storage.followups import BenchQueries, DigestQueries, FollowupQueries
from storage.mailbox import InboxRow, Incoming, MailboxQueries, OutboxRow, Outgoing
from storage.migrate import DatabaseRefused, upgrade
from storage.nudges import NudgeQueries
from storage.org import OrgQueries
from storage.pgconn import PgConnection, read_catalog
from storage.pgmigrate import schema_version
from storage.pgmigrate import upgrade as pg_upgrade
from storage.progress import ProgressQueries
from storage.records import NewDirective, NewTask, ParentRef, PendingImport, Revision
from storage.reports import ReportQueries

# Connections for long reads: two parts of a summary are read at once.
READERS = 2

__all__ = [
    "InboxRow",
    "Incoming",
    "NewDirective",
    "NewTask",
    "OutboxRow",
    "Outgoing",
    "ParentRef",
    "PendingImport",
    "Revision",
    "Store",
]


class Store(
    OrgQueries,
    DirectiveQueries,
    ProgressQueries,
    NudgeQueries,
    MailboxQueries,
    FollowupQueries,
    DigestQueries,
    ReportQueries,
    BenchQueries,
):
    """All reads and writes of dondoc's data, over one SQLite or PostgreSQL connection."""

    # Where the database is (a SQLite file or a postgresql:// URL), for another process to
    # open it too; None for a store not opened by `open`.
    location: Path | str | None = None

    @classmethod
    @asynccontextmanager
    async def open(cls, db: Path | str) -> AsyncIterator[Store]:
        """Open (and migrate) the database for the duration of the block.

        `db` is a SQLite file (a path or sqlite:///path) or a postgresql:// URL. A file that
        is not a usable dondoc database raises DatabaseRefused before anything, not even the
        switch to WAL, is written to it.
        """
        target = database_of(db)
        if isinstance(target, str):
            async with cls._open_postgres(target) as store:
                store.location = target
                yield store
            return
        async with cls._open_sqlite(target) as store:
            store.location = target
            yield store

    @classmethod
    @asynccontextmanager
    async def _open_postgres(cls, url: str) -> AsyncIterator[Store]:
        conn = await connect_postgres(url)
        db: PgConnection | None = None
        readers: list[PgConnection] = []
        try:
            await pg_upgrade(conn)
            catalog = await read_catalog(conn)
            db = PgConnection(conn, catalog, lambda: connect_postgres(url))
            for _ in range(READERS):
                readers.append(
                    PgConnection(
                        await connect_postgres(url),
                        catalog,
                        lambda: connect_postgres(url),
                        reads=True,
                    )
                )
            yield cls(db, readers=readers, postgres=True)
        finally:
            for reader in readers:
                await reader.close()
            await (db.close() if db is not None else conn.close())

    @classmethod
    @asynccontextmanager
    async def _open_sqlite(cls, path: Path) -> AsyncIterator[Store]:
        await asyncio.to_thread(check_file, path)
        db = await aiosqlite.connect(path)
        try:
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL never corrupts the database; it only skips an fsync per commit.
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA busy_timeout = 5000")
            await upgrade(db)
            async with AsyncExitStack() as stack:
                readers = [
                    await stack.enter_async_context(_sqlite_reader(path)) for _ in range(READERS)
                ]
                yield cls(db, readers=readers)
        finally:
            await db.close()


@asynccontextmanager
async def _sqlite_reader(path: Path) -> AsyncIterator[aiosqlite.Connection]:
    # In WAL mode a reader sees the last commit and never blocks the writer, nor it the reader.
    reader = await aiosqlite.connect(path)
    try:
        await reader.execute("PRAGMA query_only = ON")
        await reader.execute("PRAGMA busy_timeout = 5000")
        yield reader
    finally:
        await reader.close()


async def stored_version(db: Path | str) -> int | None:
    """The schema version of a database, read without writing; None when there is none yet.

    Raises DatabaseRefused for what Store.open would refuse.
    """
    target = database_of(db)
    if isinstance(target, Path):
        return await asyncio.to_thread(_file_version, target)
    conn = await connect_postgres(target)
    try:
        return await schema_version(conn)
    finally:
        await conn.close()


def _file_version(path: Path) -> int | None:
    if not path.exists() or path.stat().st_size == 0:
        return None
    check_file(path)
    return read_version(path)


async def connect_postgres(url: str) -> asyncpg.Connection:
    """A connection to the PostgreSQL database at `url`; DatabaseRefused, in one sentence, if
    the server cannot be reached or refuses us."""
    try:
        # The queries are a few hundred distinct statements: asyncpg keeps each one prepared.
        return await asyncpg.connect(url, timeout=10, statement_cache_size=1024)
    except (TimeoutError, OSError, asyncpg.PostgresError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise DatabaseRefused(
            f"Không kết nối được PostgreSQL {shown(url)} ({reason}); không ghi gì, "
            "hãy kiểm tra máy chủ và DONDOC_DB."
        ) from exc
