"""The PostgreSQL migrations keep step with the SQLite ones: same steps, same tables and columns."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3

import asyncpg
import pytest

from storage import Store
from storage.dbfile import _expected_tables
from storage.migrate import DatabaseRefused, DatabaseTooNew, migration_files, migrations
from storage.pgmigrate import schema_version
from tests.conftest import pg_schema

# SQLite gives every table a rowid; on PostgreSQL the tables that order by it have one.
_IMPLICIT = {"rowid"}


def test_every_step_exists_for_both_engines() -> None:
    sqlite, postgres = set(migration_files("sqlite")), set(migration_files("postgres"))
    assert sqlite - postgres == set(), "steps without a PostgreSQL twin in storage/migrations/pg"
    assert postgres - sqlite == set(), "PostgreSQL steps without a SQLite one"


async def _columns(conn: asyncpg.Connection) -> dict[str, tuple[str, ...]]:
    rows = await conn.fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    )
    found: dict[str, list[str]] = {}
    for table, column in rows:
        if column not in _IMPLICIT:
            found.setdefault(table, []).append(column)
    return {t: tuple(c) for t, c in found.items()}


async def test_after_each_step_both_schemas_have_the_same_tables_and_columns() -> None:
    async with pg_schema() as url:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            for version, sql in migrations("postgres"):
                async with conn.transaction():
                    await conn.execute(sql)
                assert await _columns(conn) == _expected_tables(version), f"after step {version}"
        finally:
            await conn.close()


async def test_migrations_are_recorded_once_and_a_newer_database_is_refused() -> None:
    async with pg_schema() as url:
        async with Store.open(url):
            pass
        async with Store.open(url):  # a second start applies nothing again
            pass
        conn = await asyncpg.connect(url)
        try:
            versions = [r[0] for r in await conn.fetch("SELECT version FROM schema_version")]
            assert versions == [n for n, _ in migrations()]
            assert await schema_version(conn) == versions[-1]
            await conn.execute("INSERT INTO schema_version VALUES (999)")
        finally:
            await conn.close()
        with pytest.raises(DatabaseTooNew, match="999"):
            async with Store.open(url):
                pass


async def test_a_schema_of_another_program_is_refused_untouched() -> None:
    async with pg_schema() as url:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("CREATE TABLE customers (id INTEGER)")
            with pytest.raises(DatabaseRefused, match="không phải của dondoc"):
                async with Store.open(url):
                    pass
            tables = await conn.fetch(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            )
            assert [r[0] for r in tables] == ["customers"]
        finally:
            await conn.close()


async def test_an_unreachable_server_is_one_sentence() -> None:
    with pytest.raises(DatabaseRefused, match="Không kết nối được PostgreSQL") as caught:
        async with Store.open("postgresql://dondoc:secret@127.0.0.1:1/x"):
            pass
    assert "secret" not in str(caught.value)


async def test_a_lost_connection_is_opened_again() -> None:
    async with pg_schema() as url, Store.open(url) as store:
        await store.upsert_unit("Phòng Nội vụ", "phong noi vu", None)
        [pid] = await store._one("SELECT pg_backend_pid()")  # noqa: SLF001
        admin = await asyncpg.connect(url)
        try:
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        await asyncio.sleep(0.1)
        # A loss seen in time costs nothing; one met by a statement fails that statement only.
        with contextlib.suppress(sqlite3.OperationalError):
            await store.units()
        assert [u.name for u in await store.units()] == ["Phòng Nội vụ"]
