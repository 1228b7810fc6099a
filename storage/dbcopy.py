"""`dondoc db copy`: every row of a SQLite database into an empty PostgreSQL one, ids kept."""

from __future__ import annotations

import asyncio
import sqlite3
from functools import cache
from graphlib import TopologicalSorter
from pathlib import Path

import aiosqlite
import asyncpg

from storage.dbfile import check_file
from storage.dburl import shown
from storage.migrate import DatabaseRefused, migrations
from storage.migrate import upgrade as sqlite_upgrade
from storage.pgmigrate import upgrade as pg_upgrade
from storage.store import connect_postgres

_BATCH = 5000


@cache
def _reference() -> tuple[dict[str, list[tuple[str, str]]], dict[str, set[str]]]:
    """The latest schema's tables as (column, declared type), and which tables each refers to."""
    db = sqlite3.connect(":memory:")
    try:
        for _, sql in migrations():
            db.executescript(sql)
        names = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("sqlite_")
        ]
        columns = {
            n: [
                (r[1], r[2].upper()) for r in db.execute("SELECT * FROM pragma_table_info(?)", (n,))
            ]
            for n in names
        }
        refers = {
            n: {r[2] for r in db.execute("SELECT * FROM pragma_foreign_key_list(?)", (n,))} - {n}
            for n in names
        }
        return columns, refers
    finally:
        db.close()


def copy_order() -> list[str]:
    """Every table, each after the tables its foreign keys point to."""
    _, refers = _reference()
    return list(TopologicalSorter(refers).static_order())


async def copy_database(source: Path, target: str) -> dict[str, int]:
    """Copy every table of the SQLite database `source` into the empty PostgreSQL `target`.

    Ids are kept and sequences set past them; the target is migrated first and refused
    (DatabaseRefused) unless it is empty. The rows per table copied.
    """
    await asyncio.to_thread(_check_source, source)
    columns, _ = _reference()
    conn = await connect_postgres(target)
    try:
        await pg_upgrade(conn)
        for table in columns:
            if table != "schema_version" and await conn.fetchval(f"SELECT 1 FROM {table} LIMIT 1"):
                raise DatabaseRefused(
                    f"Cơ sở dữ liệu đích {shown(target)} đã có dữ liệu (bảng {table}); "
                    "chỉ sao chép vào cơ sở dữ liệu trống, không ghi gì."
                )
        async with aiosqlite.connect(source) as db:
            await sqlite_upgrade(db)
            async with conn.transaction():
                counts = {t: await _copy_table(db, conn, t, columns[t]) for t in copy_order()}
    finally:
        await conn.close()
    counts.pop("schema_version", None)
    return counts


def _check_source(source: Path) -> None:
    if not source.is_file():
        raise DatabaseRefused(f"Không có tệp cơ sở dữ liệu {source}; không sao chép gì.")
    check_file(source)


async def _copy_table(
    db: aiosqlite.Connection, conn: asyncpg.Connection, table: str, columns: list[tuple[str, str]]
) -> int:
    if table == "schema_version":
        return 0
    names = [c for c, _ in columns]
    # SQLite keeps what it is given; PostgreSQL wants each value in its column's type.
    picks = ", ".join(f"CAST({c} AS TEXT)" if kind == "TEXT" else c for c, kind in columns)
    # Triggers would add or change rows the copy brings itself (due index, report fields).
    await conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    copied, last = 0, None
    while True:
        where = "" if last is None else " WHERE rowid > ?"
        async with db.execute(
            f"SELECT rowid, {picks} FROM {table}{where} ORDER BY rowid LIMIT {_BATCH}",
            () if last is None else (last,),
        ) as cur:
            rows = list(await cur.fetchall())
        if not rows:
            break
        last = rows[-1][0]
        await conn.copy_records_to_table(table, records=[tuple(r[1:]) for r in rows], columns=names)
        copied += len(rows)
    await conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    for serial in await conn.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = $1 AND column_default LIKE 'nextval(%'",
        table,
    ):
        column = serial[0]
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
            f" COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
        )
    return copied
