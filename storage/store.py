"""The Store: every query dondoc makes, as async methods returning frozen dataclasses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from storage.dbfile import check_file
from storage.directives import DirectiveQueries
from storage.followups import BenchQueries, DigestQueries, FollowupQueries
from storage.mailbox import InboxRow, Incoming, MailboxQueries, OutboxRow, Outgoing
from storage.migrate import upgrade
from storage.nudges import NudgeQueries
from storage.org import OrgQueries
from storage.progress import ProgressQueries
from storage.records import NewDirective, NewTask, ParentRef, PendingImport, Revision
from storage.reports import ReportQueries

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
    """All reads and writes of dondoc's data, over one aiosqlite connection."""

    @classmethod
    @asynccontextmanager
    async def open(cls, path: Path | str) -> AsyncIterator[Store]:
        """Open (and migrate) the SQLite database at `path` for the duration of the block.

        A file that is not a usable dondoc database raises DatabaseRefused before anything,
        not even the switch to WAL, is written to it.
        """
        await asyncio.to_thread(check_file, Path(path))
        db = await aiosqlite.connect(path)
        try:
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL never corrupts the database; it only skips an fsync per commit.
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA busy_timeout = 5000")
            await upgrade(db)
            yield cls(db)
        finally:
            await db.close()
