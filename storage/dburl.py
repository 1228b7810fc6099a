"""Which database a DONDOC_DB value names: a SQLite file, or a PostgreSQL server."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

_POSTGRES = ("postgresql://", "postgres://")
_SQLITE = "sqlite:///"


def is_postgres(db: Path | str) -> bool:
    """Whether `db` is a postgresql:// (or postgres://) URL."""
    return isinstance(db, str) and db.startswith(_POSTGRES)


def database_of(value: Path | str) -> Path | str:
    """A PostgreSQL URL as it is; a path or sqlite:///path as the file's Path."""
    if isinstance(value, Path):
        return value
    if is_postgres(value):
        return value
    if value.startswith(_SQLITE):
        return Path(value[len(_SQLITE) :])
    if "://" in value:
        raise ValueError(
            f"DONDOC_DB “{shown(value)}” không hợp lệ: dùng đường dẫn tệp, sqlite:///tệp.db "
            "hoặc postgresql://người_dùng@máy:cổng/tên_csdl."
        )
    return Path(value)


def shown(db: Path | str) -> str:
    """The database as it may be printed: a URL without its password."""
    if not isinstance(db, str) or "://" not in db:
        return str(db)
    parts = urlsplit(db)
    if parts.password is None:
        return db
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
