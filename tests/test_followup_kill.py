"""A sweep killed (SIGKILL) in the middle neither loses nor repeats a message."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import date
from pathlib import Path

from bot.domain import Official
from bot.followup.rules import Rules
from bot.roster import import_roster, load_roster
from bot.services import Services
from bot.sweep import sweep
from storage import NewTask, Store
from tests.conftest import EXAMPLES, ROOT, TZ, Clock, add_directive

CHILD = """
import asyncio, sys
from datetime import datetime
from zoneinfo import ZoneInfo
import bot.followup.engine as engine
from bot.followup.rules import Rules
from bot.services import Services
from storage import Store

engine.BATCH = 3  # many small transactions, so the kill lands in the middle of the sweep
batch = engine._batch

async def noisy(*args):
    result = await batch(*args)
    print("batch", flush=True)
    return result

engine._batch = noisy

async def main():
    async with Store.open(sys.argv[1]) as store:
        now = datetime.fromisoformat(sys.argv[2])
        svc = Services(store=store, tz=ZoneInfo("Asia/Ho_Chi_Minh"), clock=lambda: now,
                       platforms=("telegram",), rules=Rules(digest_weekday=None))
        print("go", flush=True)
        await engine.sweep(svc, now)
        print("done", flush=True)

asyncio.run(main())
"""


async def _lines_and_claims(store: Store) -> tuple[int, int]:
    lines = sum(text.count("<b>#") for _, text, _ in await store.owed_messages())
    claims = [s for s in await store.nudge_states() if s[4] == "sent"]
    return lines, len(claims)


async def test_a_killed_sweep_is_finished_by_the_next_one(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "d.db"
    async with Store.open(path) as store:
        await import_roster(store, load_roster(EXAMPLES / "roster.csv"))
        officials: list[Official] = await store.officials()
        linked = {i.official_id for i in await store.identities() if i.platform == "telegram"}
        units = sorted({o.unit_id for o in officials if o.id in linked})
        for n in range(60):
            task = NewTask(units[n % len(units)], "lead", f"Việc {n}", date(2026, 12, 4))
            await add_directive(store, clock(), [task], code=f"{n}/KH")
    clock.set_local(date(2026, 12, 8))  # overdue: every task owes a nudge to its unit
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        str(path),
        clock().isoformat(),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    assert (await child.stdout.readline()).strip() == b"go"
    for _ in range(3):  # three batches committed, the fourth on its way
        assert (await child.stdout.readline()).strip() == b"batch"
    child.send_signal(signal.SIGKILL)
    await child.wait()
    async with Store.open(path) as store:
        lines, claims = await _lines_and_claims(store)
        assert lines == claims > 0  # each batch landed whole, or not at all
        svc = Services(
            store=store,
            tz=TZ,
            clock=clock,
            platforms=("telegram",),
            rules=Rules(digest_weekday=None),
        )
        await sweep(svc)
        assert (await sweep(svc)).owed == 0
        lines, claims = await _lines_and_claims(store)
        assert lines == claims > 60
        states = await store.nudge_states()
        assert len(states) == len(set(states))
