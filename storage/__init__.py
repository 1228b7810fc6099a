"""The only place with SQL: the Store over aiosqlite and its migrations."""

from storage.store import NewDirective, NewTask, ParentRef, PendingImport, Revision, Store

__all__ = ["NewDirective", "NewTask", "ParentRef", "PendingImport", "Revision", "Store"]
