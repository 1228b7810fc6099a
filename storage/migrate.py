"""Append-only numbered migrations, tracked in a version table."""

from __future__ import annotations

from importlib import resources

import aiosqlite


class DatabaseTooNew(RuntimeError):
    """The database was written by a newer dondoc than this one."""


def migrations() -> list[tuple[int, str]]:
    """The numbered SQL scripts shipped in storage/migrations, in order."""
    folder = resources.files("storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text("utf-8")))
    return sorted(found)


async def upgrade(db: aiosqlite.Connection) -> int:
    """Apply the migrations the database lacks, each in its own transaction; return the version."""
    await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    async with db.execute("SELECT MAX(version) FROM schema_version") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row and row[0] is not None else 0
    scripts = migrations()
    latest = scripts[-1][0] if scripts else 0
    if current > latest:
        raise DatabaseTooNew(
            f"database schema version {current} is newer than this dondoc ({latest}); "
            "upgrade dondoc"
        )
    for version, sql in scripts:
        if version <= current:
            continue
        # executescript() would commit on its own; BEGIN…COMMIT keeps a failed step out.
        try:
            await db.executescript(
                f"BEGIN;\n{sql}\nINSERT INTO schema_version (version) VALUES ({version});\nCOMMIT;"
            )
        except Exception:
            await db.rollback()
            raise
        current = version
    return current
