"""Nudge sweep speed: one sweep over many tasks, against a plain read of the same tasks.

Prints the time of a sweep that finds nothing due (the every-minute case), of a sweep that
sends a nudge for every task (to a sender that only counts), and, as the baseline in the same
process, of reading the open tasks alone.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain import Recipient  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.sweep import sweep  # noqa: E402
from bot.transports import Reply  # noqa: E402
from storage import NewDirective, NewTask, Store  # noqa: E402

TASKS = 5_000
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Counter:
    """A sender that only counts."""

    def __init__(self) -> None:
        self.count = 0

    def address(self, person: Recipient) -> str | None:
        """Everyone is reachable by their Telegram id."""
        return person.address_on("telegram")

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Count the message."""
        self.count += 1


async def main() -> None:
    """Build a database of TASKS tasks over 100 units and time the sweeps."""
    with tempfile.TemporaryDirectory() as folder:
        async with Store.open(Path(folder) / "bench.db") as store:
            now = datetime(2026, 11, 1, tzinfo=UTC)
            units = []
            for n in range(100):
                unit, _ = await store.upsert_unit(f"Phòng {n}", f"phòng {n}", None)
                official_id = await store.add_official(unit.id, f"Cán bộ {n}", "member")
                await store.link_identity(official_id, "telegram", str(10_000 + n), now)
                units.append(unit.id)
            deadline = date(2026, 12, 31)
            tasks = [
                NewTask(units[i % 100], "lead", f"Nhiệm vụ {i}", deadline) for i in range(TASKS)
            ]
            await store.add_directive(
                NewDirective("k", "1/KH", "Kế hoạch", "UBND", None, None, "", "", None, [], tasks),
                now,
            )
            svc = Services(store=store, tz=TZ, clock=lambda: now)

            start = time.perf_counter()
            await store.open_tasks_with_deadline()
            baseline = time.perf_counter() - start

            counter = Counter()
            start = time.perf_counter()
            await sweep(svc, counter, now)  # nothing due yet
            idle = time.perf_counter() - start

            due = datetime(2026, 12, 24, 2, tzinfo=UTC) + timedelta(hours=1)
            start = time.perf_counter()
            result = await sweep(svc, counter, due)
            busy = time.perf_counter() - start

    print(f"tasks: {TASKS}  units: 100  officials: 100")
    print(f"baseline (read open tasks): {baseline * 1000:.1f} ms")
    print(f"idle sweep (nothing due):   {idle * 1000:.1f} ms  ({idle / baseline:.1f}x baseline)")
    print(
        f"busy sweep ({result.sent} nudges):  {busy * 1000:.1f} ms  ({busy / baseline:.1f}x baseline, "
        f"{result.sent / busy:,.0f} nudges/s recorded)"
    )


if __name__ == "__main__":
    asyncio.run(main())
