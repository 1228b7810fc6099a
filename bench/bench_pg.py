"""PostgreSQL against SQLite: webhook updates handled per second, and the nudge sweep.

Webhook: 1 and 2 replicas on PostgreSQL and 1 process on SQLite take the same updates over
real HTTP (a fake Bot API on 127.0.0.1); an update counts once it is handled and its answer
owed (the Bot API's own rate limits are not what is measured). The first sweep over new tasks
plans every one of them. The sweeps over 1,000,000 open tasks are bench_sweep.py's on both
engines (same data, bench/sweepdata.py): idle, 1 % due, and a plain indexed SELECT of the due
rows, each engine measured in a fresh process for its peak RSS. Needs
DONDOC_TEST_PG=postgresql://… (`.ci/pg-start DIR` starts a throwaway server). Usage:
python bench/bench_pg.py [--updates N] [--first N] [--tasks N] (0 skips a part)
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
from pathlib import Path

import asyncpg
from aiohttp import ClientSession

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sweepdata import NOW, build, measure_apart, services  # noqa: E402
from bot.roster import import_roster, load_roster  # noqa: E402
from bot.sweep import sweep  # noqa: E402
from storage import Store  # noqa: E402
from tests.fakebotapi import FakeBotApi  # noqa: E402

SECRET = "bench-secret-token"


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


async def first_sweep(db: Path | str, tasks: int) -> float:
    """Seconds of the first sweep over `tasks` new tasks: it plans every one of them."""
    await build(db, tasks, schedule=False)
    async with Store.open(db) as store:
        svc = services(store)
        start = time.perf_counter()
        await sweep(svc, NOW)
        return time.perf_counter() - start


def load() -> str:
    """The machine's load averages, to print beside the figures."""
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _row(what: str, sqlite: float, postgres: float, unit: str = "s") -> str:
    scale = 1000 if unit == "ms" else 1
    return (
        f"  {what:<38} {sqlite * scale:9.2f} {unit:<2}   {postgres * scale:9.2f} {unit:<2}"
        f"   {postgres / sqlite:6.2f}×"
    )


async def sweeps(folder: Path, url: str, tasks: int) -> None:
    """The idle and the 1 %-due sweep over `tasks` open tasks on both engines, side by side."""
    built, got = {}, {}
    for engine, db in (("sqlite", Path(folder) / "s.db"), ("pg", await schema(url))):
        start = time.perf_counter()
        await build(db, tasks)
        built[engine] = time.perf_counter() - start
        got[engine] = measure_apart(db)
    s, p = got["sqlite"], got["pg"]
    print(
        f"sweeps over {tasks:,} open tasks (10 % recurring, 30 % undated, 1,000 units;"
        f" built in {built['sqlite']:.0f} s on SQLite, {built['pg']:.0f} s on PostgreSQL"
        f" by COPY; {load()})"
    )
    print(f"  {'':<38} {'SQLite':>12}   {'PostgreSQL':>12}   PG/SQLite")
    print(_row("idle sweep (nothing due)", s["idle"], p["idle"], "ms"))
    print(_row(f"1 % due ({s['due']:,.0f} rows, {s['owed']:,.0f} owed)", s["busy"], p["busy"]))
    print(_row("plain indexed SELECT of the due rows", s["baseline"], p["baseline"], "ms"))
    print(
        f"  {'1 % due ÷ that SELECT':<38} {s['busy'] / s['baseline']:9.1f} ×"
        f"    {p['busy'] / p['baseline']:9.1f} ×"
    )
    print(f"  {'peak RSS of the bot process':<38} {s['rss']:9.0f} MB   {p['rss']:9.0f} MB")
    if (s["due"], s["owed"]) != (p["due"], p["owed"]):
        print(f"  differ: PostgreSQL had {p['due']:,.0f} rows due, {p['owed']:,.0f} owed")


async def main() -> None:
    """Run both measurements on both engines and print the ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--first", type=int, default=100_000, help="new tasks for the first sweep")
    args = parser.parse_args()
    url = os.environ.get("DONDOC_TEST_PG")
    if not url:
        sys.exit("bench_pg: set DONDOC_TEST_PG=postgresql://… (.ci/pg-start DIR starts a server)")
    try:
        with tempfile.TemporaryDirectory() as folder:
            if args.updates:
                sqlite_rate = await webhook_rate(Path(folder) / "w.db", 1, args.updates)
                pg1 = await webhook_rate(await schema(url), 1, args.updates)
                pg2 = await webhook_rate(await schema(url), 2, args.updates)
                print(
                    f"webhook updates handled per second ({args.updates} updates, 32 in flight;"
                    f" {load()})"
                )
                print(f"  SQLite, 1 process:      {sqlite_rate:8.1f}/s")
                print(f"  PostgreSQL, 1 replica:  {pg1:8.1f}/s  ({pg1 / sqlite_rate:.2f}x SQLite)")
                print(f"  PostgreSQL, 2 replicas: {pg2:8.1f}/s  ({pg2 / pg1:.2f}x 1 replica)")
            if args.first:
                s_first = await first_sweep(Path(folder) / "f.db", args.first)
                p_first = await first_sweep(await schema(url), args.first)
                print(
                    f"first sweep, planning {args.first:,} new tasks: SQLite {s_first:.1f} s,"
                    f" PostgreSQL {p_first:.1f} s ({p_first / s_first:.2f}×; {load()})"
                )
            if args.tasks:
                await sweeps(Path(folder), url, args.tasks)
    finally:
        await drop(url)


if __name__ == "__main__":
    asyncio.run(main())
