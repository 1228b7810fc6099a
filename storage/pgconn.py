"""PostgreSQL behind the aiosqlite-shaped connection the query mixins use, and the SQL rewrite.

The mixins write SQLite's dialect; `translate` turns the few SQLite-isms they use into
PostgreSQL's, so each query is written once.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from storage.base import _IN_TRANSACTION


@dataclass(frozen=True)
class Catalog:
    """What the rewrite needs to know of the tables: keys, and which have an `id` or `rowid`."""

    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)


_CATALOG_SQL = """
SELECT c.relname, a.attname, COALESCE(a.attnum = ANY (k.indkey), false)
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_index k ON k.indrelid = c.oid AND k.indisprimary
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
ORDER BY c.relname, a.attnum
"""


async def read_catalog(conn: asyncpg.Connection) -> Catalog:
    """The tables of the current schema, their columns and primary keys."""
    keys: dict[str, list[str]] = {}
    columns: dict[str, list[str]] = {}
    for table, column, in_key in await conn.fetch(_CATALOG_SQL):
        columns.setdefault(table, []).append(column)
        if in_key:
            keys.setdefault(table, []).append(column)
    return Catalog(
        keys={t: tuple(c) for t, c in keys.items()},
        columns={t: tuple(c) for t, c in columns.items()},
    )


@dataclass(frozen=True)
class Translated:
    """A statement in PostgreSQL's dialect; `returns_id` when RETURNING id was added, `writes`
    for INSERT, UPDATE and DELETE (whose rows fetched are the rows written)."""

    sql: str
    returns_id: bool
    writes: bool
    # For :name parameters, the names in the order of their $n.
    names: tuple[str, ...] = ()


_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+(IGNORE|REPLACE)\s+)?INTO\s+(\w+)", re.I)
_COLUMNS = re.compile(r"^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+\w+\s*\(([^)]*)\)", re.I)
_JSON_EXTRACT = re.compile(r"json_extract\(\s*([\w.]+)\s*,\s*'\$\.(\w+)'\s*\)", re.I)
# SQLite's `a IS b` for values other than NULL is PostgreSQL's IS [NOT] DISTINCT FROM.
_IS_NOT = re.compile(r"\bIS\s+NOT\s+(?!NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", re.I)
_IS = re.compile(r"\bIS\s+(?!NOT\b|NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", re.I)
_CHAR = re.compile(r"\bchar\(", re.I)
# An index SQLite is told to read; PostgreSQL's planner picks its own.
_INDEXED_BY = re.compile(r"\s+INDEXED\s+BY\s+\w+", re.I)
# The queries pass id lists as JSON arrays: json_each(?) reads them as a table of values.
_JSON_EACH = re.compile(r"\bjson_each\(([^()]*)\)", re.I)
# date(instant, '+420 minutes'): the day at an offset; julianday(x) - julianday(y): days.
_DATE = re.compile(r"\bdate\(([\w.:]+),\s*([\w.:]+)\)", re.I)
_JULIANDAY = re.compile(r"\bjulianday\(([\w.:]+)\)", re.I)
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_BEGIN_IMMEDIATE = re.compile(r"^\s*BEGIN\s+IMMEDIATE\b", re.I)
_WRITER_LOCK = 0x646F6E646F6377  # "dondocw"
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)


def translate(sql: str, catalog: Catalog) -> Translated:
    """Rewrite one SQLite statement for PostgreSQL.

    Every INSERT, UPDATE and DELETE returns a row per row it wrote (its id where the table has
    one), so the rows fetched give the cursor's rowcount and lastrowid.
    """
    text = _outside_strings(_JSON_EXTRACT.sub(r"(\1::jsonb ->> '\2')", sql), _rewrite_code)
    returns_id = False
    insert = _INSERT.match(text)
    if insert:
        verb, table = (insert.group(1) or "").upper(), insert.group(2)
        text = _INSERT.sub(f"INSERT INTO {table}", text, count=1)
        if verb:
            conflict = (
                " ON CONFLICT DO NOTHING" if verb == "IGNORE" else _upsert(text, table, catalog)
            )
            # ON CONFLICT goes before the statement's own RETURNING clause, if it has one.
            found = re.search(r"\sRETURNING\s", text, re.I)
            if found:
                text = text[: found.start()] + conflict + text[found.start() :]
            else:
                text += conflict
        if "RETURNING" not in text.upper() and "id" in catalog.columns.get(table, ()):
            text += " RETURNING id"
            returns_id = True
    if _WRITE.match(text) and "RETURNING" not in text.upper():
        text += " RETURNING 1"
    names: list[str] = []
    if _NAMED.search(_outside_strings(text, lambda code: code)):
        text = _outside_strings(text, lambda code: _NAMED.sub(lambda m: _number(m, names), code))
    return Translated(_placeholders(text), returns_id, bool(_WRITE.match(text)), tuple(names))


def _number(match: re.Match[str], names: list[str]) -> str:
    name = match.group(1)
    if name not in names:
        names.append(name)
    return f"${names.index(name) + 1}"


def _rewrite_code(code: str) -> str:
    code = _JSON_EACH.sub(
        r"(SELECT e::bigint AS value FROM jsonb_array_elements_text((\1)::text::jsonb) AS e) AS json_each",
        code,
    )
    code = _DATE.sub(
        r"to_char(((\1)::text::timestamptz + (\2)::text::interval) AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        code,
    )
    code = _JULIANDAY.sub(r"((\1)::text::date - DATE '2000-01-01')", code)
    code = _IS_NOT.sub("IS DISTINCT FROM ", code)
    code = _IS.sub("IS NOT DISTINCT FROM ", code)
    code = _INDEXED_BY.sub("", code)
    return _CHAR.sub("chr(", code)


def _upsert(text: str, table: str, catalog: Catalog) -> str:
    key = catalog.keys.get(table, ())
    found = _COLUMNS.match(text)
    if not key or not found:
        raise ValueError(f"INSERT OR REPLACE INTO {table} needs its columns and a primary key")
    columns = [c.strip() for c in found.group(1).split(",")]
    sets = [f"{c} = EXCLUDED.{c}" for c in columns if c not in key]
    if "rowid" in catalog.columns.get(table, ()):
        sets.append("rowid = DEFAULT")  # a replaced row is a new row in SQLite
    action = "DO UPDATE SET " + ", ".join(sets) if sets else "DO NOTHING"
    return f" ON CONFLICT ({', '.join(key)}) {action}"


def _outside_strings(sql: str, rewrite: Any) -> str:
    # String literals are kept as they are; only the code between them is rewritten.
    parts = re.split(r"('(?:[^']|'')*')", sql)
    return "".join(p if i % 2 else rewrite(p) for i, p in enumerate(parts))


def _placeholders(sql: str) -> str:
    counter = iter(range(1, 10_000))
    parts = re.split(r"('(?:[^']|'')*')", sql)
    return "".join(
        p if i % 2 else re.sub(r"\?", lambda _: f"${next(counter)}", p) for i, p in enumerate(parts)
    )


class PgCursor:
    """The rows and counts of one statement, shaped like aiosqlite's cursor."""

    def __init__(self, rows: Sequence[Any], rowcount: int, lastrowid: int | None) -> None:
        self._rows = list(rows)
        self._next = 0
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    async def fetchone(self) -> Any:
        """The next row, or None."""
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchall(self) -> list[Any]:
        """The rows not fetched yet."""
        rest, self._next = self._rows[self._next :], len(self._rows)
        return rest

    async def __aenter__(self) -> PgCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class _Executing:
    """What `execute` returns: awaited, or used with `async with`, like aiosqlite's."""

    def __init__(self, run: Any) -> None:
        self._run = run

    def __await__(self) -> Generator[Any, None, PgCursor]:
        return self._run.__await__()

    async def __aenter__(self) -> PgCursor:
        cursor: PgCursor = await self._run
        return cursor

    async def __aexit__(self, *exc: object) -> None:
        return None


def _as_sqlite_error(exc: Exception) -> sqlite3.Error:
    # Callers catch the DB-API errors sqlite3 raises (a constraint another process broke
    # meanwhile, a database gone away); PostgreSQL's are raised as the same classes.
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return sqlite3.IntegrityError(str(exc))
    return sqlite3.OperationalError(f"PostgreSQL: {exc}")


class PgConnection:
    """One asyncpg connection with aiosqlite's API: execute, executemany, commit, rollback.

    As with sqlite3, a transaction begins by itself at the first statement inside the Store's
    `_transaction()` and ends at commit() or rollback(); statements outside one autocommit.
    """

    _CACHE = 512

    def __init__(
        self,
        conn: asyncpg.Connection,
        catalog: Catalog,
        reconnect: Callable[[], Awaitable[asyncpg.Connection]] | None = None,
        *,
        reads: bool = False,
    ) -> None:
        self.raw = conn
        # A reading connection never opens a transaction: each read sees the last commit.
        self._reads = reads
        self.catalog = catalog
        self._reconnect = reconnect
        self._open = False
        # asyncpg runs one operation at a time per connection; tasks take turns, as they do
        # on aiosqlite's single thread.
        self._turn = asyncio.Lock()
        self._cache: OrderedDict[str, Translated] = OrderedDict()

    def execute(
        self, sql: str, parameters: Iterable[Any] | Mapping[str, Any] | None = None
    ) -> _Executing:
        """Run one statement; awaitable, or an async context manager yielding the cursor."""
        if isinstance(parameters, Mapping):
            names = self._translated(sql).names
            return _Executing(self._execute(sql, tuple(parameters[n] for n in names)))
        return _Executing(self._execute(sql, tuple(parameters or ())))

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on the connection."""
        return self._open

    async def execute_fetchall(
        self, sql: str, parameters: Iterable[Any] | None = None
    ) -> list[Any]:
        """Run one statement and return all its rows."""
        return await (await self._execute(sql, tuple(parameters or ()))).fetchall()

    async def _execute(self, sql: str, params: tuple[Any, ...]) -> PgCursor:
        if _BEGIN_IMMEDIATE.match(sql):
            await self._begin_immediate()
            return PgCursor([], -1, None)
        statement = self._translated(sql)
        async with self._turn:
            try:
                await self._begin_if_needed()
                rows = await self.raw.fetch(statement.sql, *params)
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                raise _as_sqlite_error(exc) from exc
        lastrowid = int(rows[-1][0]) if statement.returns_id and rows else None
        return PgCursor(rows, len(rows) if statement.writes else -1, lastrowid)

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> None:
        """Run one statement once per parameter tuple."""
        batch = [tuple(p) for p in parameters]
        if not batch:
            return
        statement = self._translated(sql)
        async with self._turn:
            try:
                await self._begin_if_needed()
                await self.raw.executemany(statement.sql, batch)
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                raise _as_sqlite_error(exc) from exc

    async def commit(self) -> None:
        """End the open transaction, keeping its writes."""
        async with self._turn:
            if self._open:
                self._open = False
                await self.raw.execute("COMMIT")

    async def rollback(self) -> None:
        """End the open transaction, dropping its writes."""
        async with self._turn:
            if self._open:
                self._open = False
                if not self.raw.is_closed():  # a lost connection rolled back on its own
                    await self.raw.execute("ROLLBACK")

    async def close(self) -> None:
        """Close the connection (an open transaction is rolled back by the server)."""
        if not self.raw.is_closed():
            await self.raw.close()

    async def _begin_immediate(self) -> None:
        # SQLite's BEGIN IMMEDIATE makes writers across processes take turns; replicas take
        # turns on one advisory lock, held until the transaction ends.
        async with self._turn:
            await self._begin_if_needed()
            if not self._open:
                await self.raw.execute("BEGIN")
                self._open = True
            await self.raw.execute("SELECT pg_advisory_xact_lock($1)", _WRITER_LOCK)

    async def _begin_if_needed(self) -> None:
        # A server restart or a network cut fails the statement that meets it; the next one,
        # outside a transaction, gets a new connection.
        if self.raw.is_closed() and not self._open and self._reconnect is not None:
            self.raw = await self._reconnect()
        if _IN_TRANSACTION.get() and not self._open and not self._reads:
            await self.raw.execute("BEGIN")
            self._open = True

    def _translated(self, sql: str) -> Translated:
        found = self._cache.get(sql)
        if found is None:
            found = self._cache[sql] = translate(sql, self.catalog)
            if len(self._cache) > self._CACHE:
                self._cache.popitem(last=False)
        return found
