"""Sweep speed at province scale: the due index reads only what is due.

For 10k, 100k and 1M open tasks (10 % recurring, 30 % undated, over 1,000 units of two
officials each) it times, in a fresh process per size so the peak memory is the sweep's:
an idle sweep (nothing due: the every-minute case), a sweep with 1 % of the tasks due, and
as the baseline in the same run a plain indexed SELECT of the due rows.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.followup.rules import Rules  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.sweep import sweep  # noqa: E402
from storage import NewDirective, NewTask, Store  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SIZES = (10_000, 100_000, 1_000_000)
UNITS = 1_000
CHUNK = 20_000
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Wednesday 09:00 in Vietnam: working time
CREATED = NOW - timedelta(days=30)


def _task(n: int, unit: int) -> NewTask:
    if n % 10 == 0:
        return NewTask(unit, "lead", f"Báo cáo định kỳ {n}", recurrence="quarterly")
    if n % 10 in (1, 2, 3):
        return NewTask(unit, "lead", f"Nhiệm vụ chưa có hạn {n}")
    return NewTask(unit, "lead", f"Nhiệm vụ {n}", date(2026, 12, 2) + timedelta(days=n % 365))


async def build(path: Path, size: int) -> None:
    """A database of `size` open tasks, 1 % of them due at NOW."""
    async with Store.open(path) as store:
        units = []
        for u in range(UNITS):
            unit, _ = await store.upsert_unit(f"Phòng {u}", f"phong {u}", None)
            for k in range(2):
                member = await store.add_official(unit.id, f"Cán bộ {u}-{k}", "member")
                await store.link_identity(member, "telegram", str(1_000_000 + 2 * u + k), NOW)
            units.append(unit.id)
        for start in range(0, size, CHUNK):
            tasks = [_task(n, units[n % UNITS]) for n in range(start, min(size, start + CHUNK))]
            await store.add_directive(
                NewDirective(
                    f"k{start}",
                    f"{start}/KH",
                    "Kế hoạch",
                    "UBND",
                    None,
                    None,
                    "",
                    "",
                    None,
                    [],
                    tasks,
                ),
                CREATED,
            )
        # One task in 101 is due: ≈ 1 %, spread over every unit (101 and 1,000 share no factor).
        await store.schedule_all(NOW + timedelta(days=3), 101, NOW - timedelta(minutes=1))


async def measure(path: Path) -> dict[str, float]:
    """Idle sweeps, the baseline SELECT and the 1 %-due sweep, in seconds; peak RSS in MB."""
    async with Store.open(path) as store:
        svc = Services(
            store=store,
            tz=TZ,
            clock=lambda: NOW,
            platforms=("telegram",),
            rules=Rules(digest_weekday=None),
        )
        idle_at = NOW - timedelta(minutes=2)
        idle = []
        for _ in range(5):
            start = time.perf_counter()
            await sweep(svc, idle_at)
            idle.append(time.perf_counter() - start)
        start = time.perf_counter()
        due = await store.due_rows(NOW)
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        result = await sweep(svc, NOW)
        busy = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "idle": statistics.median(idle),
        "baseline": baseline,
        "busy": busy,
        "due": due,
        "planned": result.planned,
        "owed": result.owed,
        "rss": rss,
    }


def _child(path: str, out: mp.Queue[str]) -> None:  # type: ignore[valid-type]
    out.put(json.dumps(asyncio.run(measure(Path(path)))))


def main() -> None:
    """Build each size, measure it in a fresh process and print each figure by its goal."""
    ctx = mp.get_context("spawn")
    print("sweep over open tasks (10 % recurring, 30 % undated), 1,000 units, 2,000 officials")
    for size in SIZES if len(sys.argv) < 2 else [int(a) for a in sys.argv[1:]]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            start = time.perf_counter()
            asyncio.run(build(path, size))
            built = time.perf_counter() - start
            queue = ctx.Queue()
            child = ctx.Process(target=_child, args=(str(path), queue))
            child.start()
            got = json.loads(queue.get())
            child.join()
        idle_goal = "ok" if size < 1_000_000 or got["idle"] < 0.5 else "MISSED"
        rss_goal = "ok" if got["rss"] < 150 else "MISSED"
        print(
            f"  {size:>9,} tasks (built in {built:.0f} s):"
            f" idle sweep {got['idle'] * 1000:7.2f} ms (goal at 1M < 500 ms: {idle_goal});"
            f" 1 % due ({got['due']:,.0f} rows, {got['owed']:,.0f} messages owed)"
            f" {got['busy']:6.2f} s = {got['busy'] / got['baseline']:5.1f}× the plain"
            f" indexed SELECT of the due rows ({got['baseline'] * 1000:.0f} ms);"
            f" peak RSS {got['rss']:.0f} MB (goal < 150 MB: {rss_goal})"
        )


if __name__ == "__main__":
    main()
