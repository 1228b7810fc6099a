"""The only place with SQL: the Store over aiosqlite and its migrations."""

from storage.store import NewTask, Store

__all__ = ["NewTask", "Store"]
