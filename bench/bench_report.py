"""Report speed over a province: 100,000 tasks and 1,000,000 progress notes.

Prints the time of the chat summary (the whole organisation, one district, one directive's
chain with its roll-up), of the chart, and of the Word and Excel files, each next to its goal.
Usage: python bench/bench_report.py [--tasks N] [--notes N] [--db FILE] (FILE is kept and reused)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.reports.build import chat_reply, documents, labels, letterhead, report_tasks  # noqa: E402
from bot.reports.chart import chart_spec  # noqa: E402
from bot.reports.drawing import draw_chart  # noqa: E402
from bot.reports.excel import build_xlsx  # noqa: E402
from bot.reports.figures import Figures, gather  # noqa: E402
from bot.reports.period import Period  # noqa: E402
from bot.reports.scope import Scope, narrow  # noqa: E402
from bot.reports.word import build_docx  # noqa: E402
from bot.summary import compose  # noqa: E402
from storage import NewDirective, NewTask, Store  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 10, 3, tzinfo=UTC)
DISTRICTS = 10
UNITS_PER_DISTRICT = 30
T = TypeVar("T")


async def seed(store: Store, path: Path, tasks: int, notes: int) -> None:
    """A province, its districts and their units; directives down the chain; notes on tasks."""
    rng = random.Random(7)
    province, _ = await store.upsert_unit("Ủy ban nhân dân tỉnh Mẫu", "tỉnh mẫu", None)
    units: list[list[int]] = []
    for d in range(DISTRICTS):
        district, _ = await store.upsert_unit(
            f"Ủy ban nhân dân huyện Mẫu {d}", f"huyện mẫu {d}", province.id
        )
        leader = await store.add_official(district.id, f"Lãnh đạo {d}", "leader")
        await store.link_identity(leader, "telegram", str(900 + d), NOW)
        members = [district.id]
        for n in range(UNITS_PER_DISTRICT):
            unit, _ = await store.upsert_unit(f"Phòng {n} huyện {d}", f"p {n} h {d}", district.id)
            # Every seventh unit has nobody who pressed /start.
            member = await store.add_official(unit.id, f"Cán bộ {d}.{n}", "member")
            if n % 7:
                await store.link_identity(member, "telegram", str(10_000 + d * 100 + n), NOW)
            members.append(unit.id)
        units.append(members)
    directives = 100
    per = tasks // directives
    created = datetime(2026, 1, 5, tzinfo=UTC)
    for k in range(directives):
        home = k % DISTRICTS
        provincial = k < DISTRICTS  # the first ten are the province's, one per district
        pool = [u[0] for u in units] if provincial else units[home]
        batch = [
            NewTask(
                pool[i % len(pool)],
                "lead" if i % 3 else "coordinate",
                f"Nhiệm vụ {k}.{i}: triển khai, báo cáo kết quả thực hiện kế hoạch",
                date(2026, 1, 1) + timedelta(days=rng.randrange(0, 420)),
            )
            for i in range(per)
        ]
        code = f"{k + 1}/KH-UBND"
        await store.add_directive(
            NewDirective(
                code, code, "Kế hoạch", "UBND", date(2026, 1, 2), f"Kế hoạch {k}", "", code,
                province.id if provincial else units[home][0], [], batch,
            ),
            created,
        )  # fmt: skip
    # Seeding a million notes through add_update would take an hour; the rows go in directly.
    db = sqlite3.connect(path)
    with db:
        # District plans implement the province's plan for that district.
        db.execute(
            "INSERT INTO directive_parents (directive_id, code, parent_id)"
            " SELECT d.id, p.code, p.id FROM directives d JOIN directives p"
            " ON p.id = (d.id - 1) % 10 + 1 WHERE d.id > 10"
        )
        db.execute(
            "UPDATE tasks SET parent_task_id = (SELECT pt.id FROM tasks pt JOIN directives d"
            " ON d.id = tasks.directive_id WHERE pt.directive_id = (d.id - 1) % 10 + 1"
            " AND pt.unit_id = d.issuer_unit_id ORDER BY pt.id LIMIT 1) WHERE directive_id > 10"
        )
        ids = [row[0] for row in db.execute("SELECT id FROM tasks")]
        official = db.execute("SELECT MIN(id) FROM officials").fetchone()[0]
        words = ("đã triển khai", "đạt {}%", "vướng kinh phí", "đang hoàn thiện dự thảo")

        def rows():  # type: ignore[no-untyped-def]
            for n in range(notes):
                task = ids[rng.randrange(len(ids))]
                at = created + timedelta(minutes=rng.randrange(0, 490_000))
                percent = rng.randrange(0, 100)
                text = words[n % 4].format(percent)
                yield task, official, text, percent if n % 4 == 1 else None, None, at.isoformat()

        db.executemany(
            "INSERT INTO updates (task_id, official_id, text, percent, status, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows(),
        )
        done = ids[::3]
        db.executemany(
            "INSERT INTO updates (task_id, official_id, text, percent, status, created_at)"
            " VALUES (?, ?, 'đã hoàn thành', 100, 'done', ?)",
            [
                (t, official, (created + timedelta(days=rng.randrange(0, 330))).isoformat())
                for t in done
            ],
        )
        db.executemany("UPDATE tasks SET status = 'done' WHERE id = ?", [(t,) for t in done])
    db.execute("ANALYZE")
    db.close()


async def timed(label: str, goal: str, run: Callable[[], Awaitable[T]], times: int = 9) -> T:
    """Run `run` a few times; print the best and the median time next to the goal.

    On a shared machine the best run is the code's own speed; the median shows the load.
    """
    spent, result = [], None
    for _ in range(times):
        start = time.perf_counter()
        result = await run()
        spent.append(time.perf_counter() - start)
    best, median = min(spent) * 1000, statistics.median(spent) * 1000
    print(f"{label:<46} best {best:8.0f} ms  median {median:8.0f} ms   goal: {goal}")
    return result  # type: ignore[return-value]


async def main() -> None:
    """Seed (or reuse) the database, then time each form of the report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--notes", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "bench.db"
        fresh = not path.exists()
        async with Store.open(path) as store:
            if fresh:
                start = time.perf_counter()
                await seed(store, path, args.tasks, args.notes)
                print(f"seeded in {time.perf_counter() - start:.0f} s")
            units = frozenset(u.id for u in await store.units())
            tasks = (await store._one("SELECT COUNT(*) FROM tasks"))[0]  # noqa: SLF001
            notes = (await store._one("SELECT COUNT(*) FROM updates"))[0]  # noqa: SLF001
            print(f"tasks: {tasks:,}  notes: {notes:,}  units: {len(units)}")
            period = Period(date(2026, 11, 15), date(2026, 12, 14))
            everything = Scope("toàn tỉnh", units)
            district = await narrow(store, everything, "Ủy ban nhân dân huyện Mẫu 3")
            chain = await narrow(store, everything, "4/KH-UBND")

            async def summary(scope: Scope) -> str:
                figures = await gather(store, scope, period, NOW, TZ)
                return compose(figures, "vi", TZ).text

            await timed("chat summary, whole province (100k tasks)", "< 200 ms",
                        lambda: summary(everything))  # fmt: skip
            await timed("chat summary, one district", "< 200 ms", lambda: summary(district))
            await timed("chat summary, a directive's chain + roll-up", "< 200 ms",
                        lambda: summary(chain))  # fmt: skip
            figures = await gather(store, everything, period, NOW, TZ)
            await timed(
                "chart (PNG)",
                "reported",
                lambda: draw_chart(chart_spec(figures, labels("vi"))),
                times=3,
            )
            reply = await timed("chat reply, one district (its chart drawn when sent)", "reported",
                                lambda: _reply(store, district, period), times=3)  # fmt: skip
            assert reply
            for name, scope in (("whole province", everything), ("one district", district)):
                await _documents(store, name, await gather(store, scope, period, NOW, TZ))


async def _documents(store: Store, name: str, figures: Figures) -> None:
    """Time the rows, the .docx and the .xlsx of one report, each on its own, then together."""
    rows = await timed(f"rows for the files, {name}", "reported",
                       lambda: report_tasks(store, figures, NOW, TZ), times=1)  # fmt: skip
    head = await letterhead(store, figures, None)
    today = NOW.astimezone(TZ).date()
    word = await timed(f"Word (.docx), {name}", "reported",
                       lambda: asyncio.to_thread(build_docx, figures, rows, head, today, TZ),
                       times=1)  # fmt: skip
    excel = await timed(f"Excel (.xlsx), {name}", "reported",
                        lambda: asyncio.to_thread(build_xlsx, figures, rows, labels("vi"),
                                                  lambda m: m.astimezone(TZ).date() if m else None),
                        times=1)  # fmt: skip
    print(f"  {len(rows):,} tasks: .docx {len(word) / 1e6:.1f} MB, .xlsx {len(excel) / 1e6:.1f} MB")
    await timed(f"/baocao files (both, two threads), {name}", "reported",
                lambda: documents(store, figures, None, NOW, TZ, "vi"), times=1)  # fmt: skip


async def _reply(store: Store, scope: Scope, period: Period) -> bool:
    figures = await gather(store, scope, period, NOW, TZ)
    return bool(chat_reply(figures, "vi", TZ).text)


if __name__ == "__main__":
    asyncio.run(main())
