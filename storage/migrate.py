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


def migration_files(engine: str = "sqlite") -> dict[str, str]:
    """The SQL scripts for one engine by file name: storage/migrations (SQLite) or its pg/."""
    folder = resources.files("storage") / "migrations"
    if engine == "postgres":
        folder = folder / "pg"
    return {e.name: e.read_text("utf-8") for e in folder.iterdir() if e.name.endswith(".sql")}


def migrations(engine: str = "sqlite") -> list[tuple[int, str]]:
    """The numbered SQL scripts for one engine, in order."""
    files = migration_files(engine)
    return sorted((int(name.split("_", 1)[0]), sql) for name, sql in files.items())


def latest_version() -> int:
    """The schema version this code writes (the same for both engines: a test checks it)."""
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
