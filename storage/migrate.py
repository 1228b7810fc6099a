"""Append-only numbered migrations, tracked in a version table."""

from __future__ import annotations

from importlib import resources

import aiosqlite

# A migration whose first line is this runs with foreign keys off (SQLite table rebuilds need
# that) and is committed only if PRAGMA foreign_key_check finds nothing afterwards.
FOREIGN_KEYS_OFF = "-- dondoc: foreign_keys off"


class DatabaseRefused(RuntimeError):
    """A database file dondoc will not open; the message is one sentence for the user."""


class DatabaseTooNew(DatabaseRefused):
    """The database was written by a newer dondoc than this one."""


def migrations() -> list[tuple[int, str]]:
    """The numbered SQL scripts shipped in storage/migrations, in order."""
    folder = resources.files("storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text("utf-8")))
    return sorted(found)


def latest_version() -> int:
    """The schema version this code writes."""
    scripts = migrations()
    return scripts[-1][0] if scripts else 0


async def upgrade(db: aiosqlite.Connection) -> int:
    """Apply the migrations the database lacks, each in its own transaction; return the version."""
    await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    async with db.execute("SELECT MAX(version) FROM schema_version") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row and row[0] is not None else 0
    latest = latest_version()
    if current > latest:
        raise DatabaseTooNew(
            f"Cơ sở dữ liệu có phiên bản {current}, mới hơn phiên bản dondoc này dùng ({latest}); "
            "hãy cập nhật dondoc."
        )
    for version, sql in migrations():
        if version > current:
            await _apply(db, version, sql)
            current = version
    return current


async def _apply(db: aiosqlite.Connection, version: int, sql: str) -> None:
    rebuild = sql.startswith(FOREIGN_KEYS_OFF)
    if rebuild:
        # Has no effect inside a transaction, so it is switched before BEGIN.
        await db.execute("PRAGMA foreign_keys = OFF")
    try:
        # executescript() would commit on its own; BEGIN keeps a failed step out.
        await db.executescript(
            f"BEGIN;\n{sql}\nINSERT INTO schema_version (version) VALUES ({version});"
        )
        if rebuild:
            async with db.execute("PRAGMA foreign_key_check") as cur:
                broken = list(await cur.fetchall())
            if broken:
                raise RuntimeError(f"migration {version} breaks foreign keys: {broken[:5]}")
        await db.commit()
    except BaseException:
        await db.rollback()
        raise
    finally:
        if rebuild:
            await db.execute("PRAGMA foreign_keys = ON")
