"""PostgreSQL against SQLite: webhook updates handled per second, and the nudge sweep.

Webhook: 1 and 2 replicas on PostgreSQL and 1 process on SQLite take the same updates over
real HTTP (a fake Bot API on 127.0.0.1); an update counts once it is handled and its answer
owed (the Bot API's own rate limits are not what is measured). Sweeps over many tasks: the
first plans every new task, the next finds nothing due. Needs DONDOC_TEST_PG=postgresql://… (`.ci/pg-start DIR` starts
a throwaway server). Usage: python bench/bench_pg.py [--updates N] [--tasks N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
from aiohttp import ClientSession

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.roster import import_roster, load_roster  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.sweep import sweep  # noqa: E402
from storage import NewDirective, NewTask, Store  # noqa: E402
from tests.fakebotapi import FakeBotApi  # noqa: E402

SECRET = "bench-secret-token"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 2, 2, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def schema(url: str) -> str:
    """A new schema on the server, as a DONDOC_DB URL."""
    name = "bench_" + secrets.token_hex(4)
    conn = await asyncpg.connect(url)
    await conn.execute(f"CREATE SCHEMA {name}")
    await conn.close()
    return url + ("&" if "?" in url else "?") + f"search_path={name}"


async def drop(url: str) -> None:
    """Drop the schemas this benchmark made."""
    conn = await asyncpg.connect(url)
    for (name,) in await conn.fetch(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench_%'"
    ):
        await conn.execute(f"DROP SCHEMA {name} CASCADE")
    await conn.close()


async def webhook_rate(db: Path | str, replicas: int, updates: int) -> float:
    """Updates handled per second by `replicas` webhook processes on database `db`."""
    async with FakeBotApi() as fake:
        async with Store.open(db) as store:
            await import_roster(store, load_roster(ROOT / "examples" / "roster.csv"))
            users = [
                int(i.external_id) for i in await store.identities() if i.platform == "telegram"
            ]
        ports = [free_port() for _ in range(replicas)]
        procs = []
        for port in ports:
            env = {
                **os.environ,
                "DONDOC_DB": str(db),
                "DONDOC_TELEGRAM_TOKEN": "123456:TEST",
                "DONDOC_TELEGRAM_API_URL": fake.url,
                "DONDOC_SWEEP_SECONDS": "3600",
                "DONDOC_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
                "DONDOC_WEBHOOK_URL": f"http://127.0.0.1:{port}",
                "DONDOC_WEBHOOK_SECRET": SECRET,
            }
            procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot",
                    "run",
                    "--webhook",
                    env=env,
                    cwd=ROOT,
                    stderr=asyncio.subprocess.DEVNULL,
                )  # fmt: skip
            )
        try:
            await fake.wait_for_call("setWebhook", replicas, timeout=60)
            bodies = [fake.text_update(users[n % len(users)], "/trogiup") for n in range(updates)]
            slots = asyncio.Semaphore(32)
            async with Store.open(db) as store, ClientSession() as session:

                async def post(n: int) -> None:
                    async with (
                        slots,
                        session.post(
                            f"http://127.0.0.1:{ports[n % replicas]}/telegram",
                            json=bodies[n],
                            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                        ) as response,
                    ):
                        assert response.status == 200

                start = time.perf_counter()
                await asyncio.gather(*(post(n) for n in range(updates)))
                while len(await store.outbox_states()) < updates:  # noqa: ASYNC110
                    await asyncio.sleep(0.02)
                elapsed = time.perf_counter() - start
        finally:
            for proc in procs:
                proc.terminate()
                await proc.wait()
    return updates / elapsed


async def idle_sweep(db: Path | str, tasks: int) -> tuple[float, float, float]:
    """Seconds to load `tasks` tasks, of the first sweep (which plans every new task), and of
    the next one, which finds nothing due."""
    async with Store.open(db) as store:
        units = []
        for n in range(100):
            unit, _ = await store.upsert_unit(f"Phòng {n}", f"phòng {n}", None)
            official = await store.add_official(unit.id, f"Cán bộ {n}", "member")
            await store.link_identity(official, "telegram", str(10_000 + n), NOW)
            units.append(unit.id)
        start = time.perf_counter()
        per = 10_000
        for chunk in range(0, tasks, per):
            batch = [
                NewTask(units[i % 100], "lead", f"Nhiệm vụ {i}", date(2027, 12, 31))
                for i in range(chunk, min(tasks, chunk + per))
            ]
            directive = NewDirective(
                f"k{chunk}", f"{chunk}/KH", "Kế hoạch", "UBND", None, None, "", "", None, [], batch
            )
            await store.add_directive(directive, NOW)
        loaded = time.perf_counter() - start
        svc = Services(store=store, tz=TZ, clock=lambda: NOW)
        start = time.perf_counter()
        await sweep(svc, NOW)
        planned = time.perf_counter() - start
        start = time.perf_counter()
        await sweep(svc, NOW)
        return loaded, planned, time.perf_counter() - start


async def main() -> None:
    """Run both measurements on both engines and print the ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--tasks", type=int, default=20_000)
    args = parser.parse_args()
    url = os.environ.get("DONDOC_TEST_PG")
    if not url:
        sys.exit("bench_pg: set DONDOC_TEST_PG=postgresql://… (.ci/pg-start DIR starts a server)")
    try:
        with tempfile.TemporaryDirectory() as folder:
            sqlite_rate = await webhook_rate(Path(folder) / "w.db", 1, args.updates)
            pg1 = await webhook_rate(await schema(url), 1, args.updates)
            pg2 = await webhook_rate(await schema(url), 2, args.updates)
            print(f"webhook updates handled per second ({args.updates} updates, 32 in flight)")
            print(f"  SQLite, 1 process:      {sqlite_rate:8.1f}/s")
            print(f"  PostgreSQL, 1 replica:  {pg1:8.1f}/s  ({pg1 / sqlite_rate:.2f}x SQLite)")
            print(f"  PostgreSQL, 2 replicas: {pg2:8.1f}/s  ({pg2 / pg1:.2f}x 1 replica)")
            s_load, s_plan, s_idle = await idle_sweep(Path(folder) / "s.db", args.tasks)
            p_load, p_plan, p_idle = await idle_sweep(await schema(url), args.tasks)
        print(f"sweeps over {args.tasks:,} open tasks")
        print(
            f"  load:  SQLite {s_load:7.1f} s    PostgreSQL {p_load:7.1f} s  ({p_load / s_load:.2f}x)"
        )
        print(
            f"  first: SQLite {s_plan:7.1f} s    PostgreSQL {p_plan:7.1f} s  ({p_plan / s_plan:.2f}x)"
        )
        print(
            f"  idle:  SQLite {s_idle * 1000:7.1f} ms   PostgreSQL {p_idle * 1000:7.1f} ms "
            f"({p_idle / s_idle:.2f}x)"
        )
    finally:
        await drop(url)


if __name__ == "__main__":
    asyncio.run(main())
