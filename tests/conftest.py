"""Shared fixtures: a real SQLite store, services on a settable clock, the sample roster."""

from __future__ import annotations

import os

# Opt into PTB's timedelta retry_after now; the old form warns, and warnings are errors here.
os.environ.setdefault("PTB_TIMEDELTA", "1")

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from bot.domain import Official
from bot.roster import import_roster, load_roster
from bot.services import Services
from bot.transports import Reply, Request
from handlers import dispatch
from storage import NewDirective, NewTask, Outgoing, ParentRef, Store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock:
    """A clock the test sets; starts on a Monday morning in Vietnam."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set_local(self, day: date, hour: int = 9) -> None:
        """Move to `hour` o'clock Vietnam time on `day`."""
        self.now = datetime(day.year, day.month, day.day, hour, tzinfo=TZ).astimezone(UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # 09:00 in Vietnam


# The PostgreSQL server the tests may use (.ci/run starts one); each test gets its own schema.
TEST_PG = os.environ.get("DONDOC_TEST_PG")
# Modules that run on both engines override the `engine` fixture with these parameters.
ENGINES = ["sqlite", "postgres"]


def _pg_url() -> str:
    if not TEST_PG:
        if os.environ.get("CI"):
            pytest.fail("CI runs the PostgreSQL tests: DONDOC_TEST_PG is not set (see .ci/run)")
        pytest.skip("PostgreSQL tests need DONDOC_TEST_PG=postgresql://… (.ci/run starts one)")
    return TEST_PG


def _in_schema(url: str, name: str) -> str:
    return url + ("&" if "?" in url else "?") + f"search_path={name}"


@asynccontextmanager
async def pg_schema() -> AsyncIterator[str]:
    """A fresh, empty schema on the test server, as a DONDOC_DB URL; dropped afterwards."""
    url = _pg_url()
    name = "t_" + secrets.token_hex(6)
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f"CREATE SCHEMA {name}")
        yield _in_schema(url, name)
    finally:
        await admin.execute(f"DROP SCHEMA {name} CASCADE")
        await admin.close()


# Migrated schemas emptied after each test: creating the tables anew takes longer than a test.
_READY: list[str] = []


@asynccontextmanager
async def pg_database() -> AsyncIterator[str]:
    """A migrated, empty dondoc database on the test server (a schema), as a DONDOC_DB URL."""
    url = _pg_url()
    admin = await asyncpg.connect(url)
    try:
        if _READY:
            name = _READY.pop()
        else:
            name = "t_" + secrets.token_hex(6)
            await admin.execute(f"CREATE SCHEMA {name}")
            async with Store.open(_in_schema(url, name)):
                pass
        yield _in_schema(url, name)
        await _empty(admin, name)
        _READY.append(name)
    finally:
        await admin.close()


async def _empty(admin: asyncpg.Connection, schema: str) -> None:
    # DELETE with foreign-key triggers off is much faster than TRUNCATE on small tables.
    tables = await admin.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename != 'schema_version'",
        schema,
    )
    sequences = await admin.fetch(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = $1", schema
    )
    script = ["SET session_replication_role = replica"]
    script += [f"DELETE FROM {schema}.{t[0]}" for t in tables]
    script += [f"SELECT setval('{schema}.{q[0]}', 1, false)" for q in sequences]
    script.append("RESET session_replication_role")
    await admin.execute(";\n".join(script))


@pytest.fixture(scope="session", autouse=True)
def _drop_test_schemas() -> Iterator[None]:
    yield
    if _READY and TEST_PG:

        async def drop() -> None:
            admin = await asyncpg.connect(TEST_PG)
            for name in _READY:
                await admin.execute(f"DROP SCHEMA {name} CASCADE")
            await admin.close()

        asyncio.run(drop())


@pytest.fixture
def engine() -> str:
    """The database engine of the test: SQLite unless the module asks for both."""
    return "sqlite"


@pytest.fixture
async def database(engine: str, tmp_path: Path) -> AsyncIterator[Path | str]:
    """Where the test's database is: a SQLite file, or a schema on the PostgreSQL server."""
    if engine == "sqlite":
        yield tmp_path / "dondoc.db"
        return
    async with pg_database() as url:
        yield url


@pytest.fixture
async def store(database: Path | str) -> AsyncIterator[Store]:
    async with Store.open(database) as opened:
        yield opened


async def dondoc_db(path: Path) -> Path:
    """A real dondoc database file with the sample roster."""
    async with Store.open(path) as store:
        await import_roster(store, load_roster(EXAMPLES / "roster.csv"))
    return path


@pytest.fixture(scope="session")
def good_db(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a dondoc database with the sample roster, made once."""
    path = tmp_path_factory.mktemp("good") / "d.db"
    asyncio.run(dondoc_db(path))
    return path.read_bytes()


@pytest.fixture
def svc(store: Store, clock: Clock) -> Services:
    return Services(store=store, tz=TZ, clock=clock, platforms=("telegram",))


@pytest.fixture
async def roster(store: Store) -> dict[str, Official]:
    """The sample roster, imported; officials by name."""
    await import_roster(store, load_roster(EXAMPLES / "roster.csv"))
    return {o.name: o for o in await store.officials()}


async def unit_id(store: Store, name: str) -> int:
    """The id of the unit with this exact name."""
    return next(u.id for u in await store.units() if u.name == name)


async def add_directive(
    store: Store,
    now: datetime,
    tasks: list[NewTask],
    code: str = "412/KH-UBND",
    *,
    issuer_unit: int | None = None,
    parents: tuple[str, ...] = (),
) -> int:
    """Store a directive with the given tasks, without going through the parser."""
    return await store.add_directive(
        NewDirective(
            key=code,
            code=code,
            kind="Kế hoạch",
            issuer="ỦY BAN NHÂN DÂN HUYỆN MỸ XUYÊN",
            issued_on=date(2026, 11, 10),
            subject="Triển khai Kết luận 69-KL/TW",
            source_text="…",
            source_sha256=code,
            issuer_unit_id=issuer_unit,
            parents=[ParentRef(p, None, None) for p in parents],
            tasks=tasks,
        ),
        now,
    )


class Chat:
    """Talks to the handlers as one official over the console platform."""

    def __init__(self, svc: Services, official_id: int | str) -> None:
        self.svc = svc
        self.user = str(official_id)
        self.next_id = 0

    async def say(
        self, text: str, *, reply_to: int | None = None, content: str = "text"
    ) -> list[Reply]:
        self.next_id += 1
        request = Request(
            platform="console",
            user_id=self.user,
            chat_id=self.user,
            text=text,
            message_id=self.next_id,
            reply_to_message_id=reply_to,
            content=content,  # type: ignore[arg-type]
        )
        return await dispatch(self.svc, request)

    async def text(self, text: str, **kwargs: object) -> str:
        replies = await self.say(text, **kwargs)  # type: ignore[arg-type]
        assert len(replies) == 1, replies
        return replies[0].text


async def link(
    store: Store,
    chat_id: str,
    message_id: int,
    *,
    task_id: int | None = None,
    pending_id: int | None = None,
    platform: str = "console",
    expects: str | None = None,
) -> None:
    """Send a bot message about a task or an import through the outbox, as message `id`."""
    now = datetime(2026, 11, 23, 2, tzinfo=UTC)
    reply = Reply("…", task_id=task_id, pending_id=pending_id, expects=expects)
    await store.enqueue([Outgoing(platform, chat_id, reply)], now)
    for row in await store.claim_outgoing([platform], now, timedelta(seconds=60), 100):
        await store.piece_sent(row.id, platform, chat_id, str(message_id), 1)
        await store.outgoing_sent(row.id, now)
