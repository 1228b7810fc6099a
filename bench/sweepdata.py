"""The sweep benchmarks' data and measurement, shared by bench_sweep.py and bench_pg.py.

Open tasks over 1,000 units of two officials each: 10 % recurring (quarterly), 30 % undated,
the rest with deadlines spread over a year. SQLite is loaded through the Store
(`add_directive` in chunks of 20,000); PostgreSQL gets the same rows by COPY, which fires the
same row triggers, so either way every task enters the due index with next_at '' ("plan at
the next sweep"), as after a real import. `Store.schedule_all` (a documented UPDATE) then looks
at every task three days later except one in 101, due a minute before NOW: the idle sweep (at
NOW - 2 min) finds nothing, the busy one plans ≈ 1 % of the tasks from scratch.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg

from bot.followup.rules import Rules
from bot.services import Services
from bot.sweep import sweep
from storage import NewDirective, NewTask, Store

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UNITS = 1_000
CHUNK = 20_000
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Wednesday 09:00 in Vietnam: working time
CREATED = NOW - timedelta(days=30)
ROOT = Path(__file__).resolve().parents[1]
# One task in 101 is due: ≈ 1 %, spread over every unit (101 and 1,000 share no factor).
DUE_EVERY = 101


def task(n: int, unit: int) -> NewTask:
    """The n-th task of the benchmark, for `unit`."""
    if n % 10 == 0:
        return NewTask(unit, "lead", f"Báo cáo định kỳ {n}", recurrence="quarterly")
    if n % 10 in (1, 2, 3):
        return NewTask(unit, "lead", f"Nhiệm vụ chưa có hạn {n}")
    return NewTask(unit, "lead", f"Nhiệm vụ {n}", date(2026, 12, 2) + timedelta(days=n % 365))


def _directive(start: int, tasks: list[NewTask]) -> NewDirective:
    return NewDirective(
        f"k{start}", f"{start}/KH", "Kế hoạch", "UBND", None, None, "", "", None, [], tasks
    )


async def _people(store: Store) -> list[int]:
    units = []
    for u in range(UNITS):
        unit, _ = await store.upsert_unit(f"Phòng {u}", f"phong {u}", None)
        for k in range(2):
            member = await store.add_official(unit.id, f"Cán bộ {u}-{k}", "member")
            await store.link_identity(member, "telegram", str(1_000_000 + 2 * u + k), NOW)
        units.append(unit.id)
    return units


async def build(db: Path | str, size: int, *, schedule: bool = True) -> None:
    """A database of `size` open tasks (COPY on PostgreSQL), 1 % of them due at NOW; with
    `schedule` False every task is left new, for the first sweep to plan."""
    async with Store.open(db) as store:
        units = await _people(store)
        if isinstance(db, str):
            await _copy_tasks(store, db, units, size)
        else:
            for start in range(0, size, CHUNK):
                tasks = [task(n, units[n % UNITS]) for n in range(start, min(size, start + CHUNK))]
                await store.add_directive(_directive(start, tasks), CREATED)
        if schedule:
            await store.schedule_all(NOW + timedelta(days=3), DUE_EVERY, NOW - timedelta(minutes=1))
    if isinstance(db, str):
        # What autovacuum does on a live server within a minute of a bulk change: fresh
        # statistics, and the index entries of the rows the UPDATE replaced cleared away.
        conn = await asyncpg.connect(db)
        try:
            await conn.execute("VACUUM ANALYZE tasks, followups")
        finally:
            await conn.close()


async def _copy_tasks(store: Store, url: str, units: list[int], size: int) -> None:
    # The same directives and rows add_directive would write, but as one COPY per chunk.
    conn = await asyncpg.connect(url)
    created = CREATED.isoformat(timespec="seconds")
    try:
        for start in range(0, size, CHUNK):
            directive = await store.add_directive(_directive(start, []), CREATED)
            rows = []
            for seq, n in enumerate(range(start, min(size, start + CHUNK))):
                t = task(n, units[n % UNITS])
                deadline = t.deadline.isoformat() if t.deadline else None
                rows.append(
                    (directive, t.unit_id, seq, t.role, t.text, deadline, t.recurrence, created)
                )
            await conn.copy_records_to_table(
                "tasks",
                records=rows,
                columns=(
                    "directive_id",
                    "unit_id",
                    "seq",
                    "role",
                    "text",
                    "deadline",
                    "recurrence",
                    "created_at",
                ),
            )
    finally:
        await conn.close()


def services(store: Store) -> Services:
    """The bot's services with the clock at NOW and no weekly digest."""
    return Services(
        store=store,
        tz=TZ,
        clock=lambda: NOW,
        platforms=("telegram",),
        rules=Rules(digest_weekday=None),
    )


async def measure(db: Path | str) -> dict[str, float]:
    """Idle sweeps, the baseline SELECT and the 1 %-due sweep, in seconds; peak RSS in MB."""
    async with Store.open(db) as store:
        svc = services(store)
        idle_at = NOW - timedelta(minutes=2)
        idle = []
        for _ in range(5):
            start = time.perf_counter()
            await sweep(svc, idle_at)
            idle.append(time.perf_counter() - start)
        baseline = []
        for _ in range(3):
            start = time.perf_counter()
            due = await store.due_rows(NOW)
            baseline.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = await sweep(svc, NOW)
        busy = time.perf_counter() - start
    rss = peak_rss()
    return {
        "idle": statistics.median(idle),
        "baseline": statistics.median(baseline),
        "busy": busy,
        "due": due,
        "planned": result.planned,
        "owed": result.owed,
        "rss": rss,
    }


def peak_rss() -> float:
    """This program's peak resident memory in MB."""
    # On Linux ru_maxrss carries the parent's peak over fork and exec (a benchmark that built
    # 1M tasks in memory would be counted); VmHWM is this program's own.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_apart(db: Path | str) -> dict[str, float]:
    """`measure` in a fresh process that imports only what a sweep needs, so the peak memory
    is the sweep's, not the build's or the benchmark's."""
    found = subprocess.run(
        [sys.executable, "-m", "bench.sweepdata", str(db)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    got: dict[str, float] = json.loads(found.stdout.splitlines()[-1])
    return got


if __name__ == "__main__":
    where = sys.argv[1]
    print(json.dumps(asyncio.run(measure(where if "://" in where else Path(where)))))
