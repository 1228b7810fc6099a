"""The PostgreSQL side of the migrations: the same numbered steps, from storage/migrations/pg."""

from __future__ import annotations

import asyncpg

from storage.migrate import DatabaseRefused, DatabaseTooNew, latest_version, migrations

# Replicas starting together take turns: the first migrates, the others find it done.
_MIGRATION_LOCK = 0x646F6E646F63  # "dondoc"


async def schema_version(conn: asyncpg.Connection) -> int | None:
    """The schema version of the current schema; None when it has no dondoc tables at all."""
    tables = {
        r[0]
        for r in await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    }
    if not tables:
        return None
    if "schema_version" not in tables:
        raise DatabaseRefused(
            "Cơ sở dữ liệu PostgreSQL này có bảng của chương trình khác, không phải của dondoc; "
            "không ghi gì, hãy chọn cơ sở dữ liệu (hoặc schema) khác bằng DONDOC_DB."
        )
    found = await conn.fetchval("SELECT MAX(version) FROM schema_version")
    return int(found) if found is not None else 0


async def upgrade(conn: asyncpg.Connection) -> int:
    """Apply the steps the database lacks, each in its own transaction; return the version."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
        current = await schema_version(conn)
        if current is None:
            await conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            current = 0
    latest = latest_version()
    if current > latest:
        raise DatabaseTooNew(
            f"Cơ sở dữ liệu có phiên bản {current}, mới hơn phiên bản dondoc này dùng ({latest}); "
            "hãy cập nhật dondoc."
        )
    for version, sql in migrations("postgres"):
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
            done = await conn.fetchval("SELECT MAX(version) FROM schema_version")
            if done is not None and int(done) >= version:
                continue
            await conn.execute(sql)
            await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", version)
    return int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))
