"""The only place with SQL: the Store over SQLite (aiosqlite) or PostgreSQL (asyncpg), and its migrations."""

from storage.store import (
    InboxRow,
    Incoming,
    NewDirective,
    NewTask,
    OutboxRow,
    Outgoing,
    ParentRef,
    PendingImport,
    Revision,
    Store,
)

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
