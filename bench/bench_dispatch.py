"""Dispatch speed: 2,000 due nudges sent through the fake Bot API with Telegram's limits.

The fake enforces 30 messages a second overall and one a second per chat (429 with
retry_after otherwise) and, in the first run, holds every call ≈100 ms as a round trip to
Telegram does. The outbox sender paces with a smooth token bucket just under the limit, a
few sends in flight. The baseline, in the same run, sends the same messages eight at a time
with no pacing, as a plain concurrent loop would.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from multiprocessing.synchronize import Event as ProcessEvent
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.followup.rules import Rules  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.sweep import sweep  # noqa: E402
from bot.transports import Piece, RetryLater  # noqa: E402
from bot.transports.outbox import OutboxSender  # noqa: E402
from bot.transports.telegram import TelegramTransport  # noqa: E402
from storage import NewDirective, NewTask, Store  # noqa: E402
from tests.fakebotapi import FakeBotApi  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UNITS, PER_UNIT = 200, 10  # 2,000 officials, one due task per unit: 2,000 messages
DEADLINE = date(2026, 12, 4)
SWEEP_AT = datetime(2026, 12, 4, 2, tzinfo=UTC)  # 09:00 on the due day


async def _owe(store: Store) -> Services:
    for u in range(UNITS):
        unit, _ = await store.upsert_unit(f"Phòng {u}", f"phong {u}", None)
        for n in range(PER_UNIT):
            official = await store.add_official(unit.id, f"Cán bộ {u}-{n}", "member")
            chat = str(1_000_000 + u * PER_UNIT + n)
            await store.link_identity(official, "telegram", chat, SWEEP_AT)
        await store.add_directive(
            NewDirective(
                f"k{u}",
                f"{u}/KH",
                "Kế hoạch",
                "UBND",
                None,
                None,
                "",
                f"{u}",
                None,
                [],
                [NewTask(unit.id, "lead", f"Nhiệm vụ {u}", DEADLINE)],
            ),
            SWEEP_AT,
        )
    svc = Services(
        store=store,
        tz=TZ,
        clock=lambda: SWEEP_AT,
        platforms=("telegram",),
        rules=Rules(digest_weekday=None),
    )
    result = await sweep(svc, SWEEP_AT)
    assert result.owed == UNITS * PER_UNIT, result
    return svc


class _Remote:
    """The fake Bot API in its own process, as Telegram is on its own machines."""

    def __init__(self, url: str, stats: mp.Queue[int], stop: ProcessEvent) -> None:
        self.url = url
        self._stats = stats
        self._stop = stop

    def rate_limited(self) -> int:
        """How many sends the fake answered with 429 (stops it)."""
        self._stop.set()
        return int(self._stats.get(timeout=10))


def _serve(latency: float, ports: mp.Queue[int], stop: ProcessEvent) -> None:
    async def serve() -> None:
        async with FakeBotApi(limits=True, latency=latency) as fake:
            ports.put(fake.port)
            await asyncio.to_thread(stop.wait)
            ports.put(fake.rate_limited)

    asyncio.run(serve())


@asynccontextmanager
async def remote_fake(latency: float) -> AsyncIterator[_Remote]:
    """A fake Bot API enforcing Telegram's limits, served by a child process."""
    ctx = mp.get_context("spawn")
    queue, stop = ctx.Queue(), ctx.Event()
    child = ctx.Process(target=_serve, args=(latency, queue, stop), daemon=True)
    child.start()
    port = await asyncio.to_thread(queue.get, True, 30)
    try:
        yield _Remote(f"http://127.0.0.1:{port}", queue, stop)
    finally:
        stop.set()
        await asyncio.to_thread(child.join, 10)


async def paced(latency: float) -> tuple[float, int, int]:
    """Messages per second, 429s and messages sent by the outbox sender."""
    async with remote_fake(latency) as fake:
        with tempfile.TemporaryDirectory() as folder:
            async with Store.open(Path(folder) / "bench.db") as store:
                svc = await _owe(store)
                transport = TelegramTransport("123456:BENCH", fake.url)
                await transport.start(serve=False)
                try:
                    sender = OutboxSender(svc, {"telegram": transport})
                    start = time.perf_counter()
                    tally = await sender.drain()
                    elapsed = time.perf_counter() - start
                finally:
                    await transport.stop()
        return tally.sent / elapsed, fake.rate_limited(), tally.sent


async def unpaced(latency: float, count: int) -> tuple[float, int]:
    """The baseline: the same number of sends, eight in flight, no pacing."""
    async with remote_fake(latency) as fake:
        transport = TelegramTransport("123456:BENCH", fake.url)
        await transport.start(serve=False)
        gate, sent = asyncio.Semaphore(8), 0

        async def one(chat: int) -> None:
            nonlocal sent
            async with gate:
                for _ in range(5):
                    try:
                        await transport.send(str(chat), Piece(text="Nhắc hạn"))
                        sent += 1
                        return
                    except RetryLater as exc:
                        await asyncio.sleep(exc.seconds)

        start = time.perf_counter()
        await asyncio.gather(*(one(1_000_000 + n) for n in range(count)))
        elapsed = time.perf_counter() - start
        await transport.stop()
        return sent / elapsed, fake.rate_limited()


async def main() -> None:
    """Run both latencies and print each figure next to its goal."""
    print(
        f"dispatch of {UNITS * PER_UNIT:,} due nudges, fake Bot API enforcing 30/s and 1/s per chat"
    )
    for latency in (0.1, 0.0):
        rate, limited, sent = await paced(latency)
        base_rate, base_limited = await unpaced(latency, sent)
        ok = "ok" if rate >= 29 and limited == 0 else "MISSED"
        print(
            f"  latency {latency * 1000:>3.0f} ms: {rate:5.1f} msg/s, {limited} × 429"
            f"   (goal ≥ 29 msg/s, 0 × 429: {ok})"
            f"   baseline unpaced ×8: {base_rate:5.1f} msg/s, {base_limited} × 429"
        )


if __name__ == "__main__":
    asyncio.run(main())
