"""Fuzzing: random updates through the running bot crash nothing and leak nothing."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from pathlib import Path

import pytest

from bot.dates import DateError, parse_date
from bot.importer import apply_import, plan_import
from bot.roster import import_roster, load_roster
from bot.services import Services
from bot.transports import Request
from handlers import dispatch
from storage import Store
from tests.conftest import EXAMPLES, TZ, Clock
from tests.fuzzkit import PLAN, fuzz


async def test_random_updates_crash_nothing_and_leak_nothing(tmp_path: Path) -> None:
    # Ids of at most 18 digits here: a longer one is a known crash (the test below).
    report = await fuzz(tmp_path, 200, seed=6, user_digits=18)
    assert report.updates == 200 and report.answers > 100
    assert report.ok, "\n".join(report.lines())


@pytest.mark.xfail(
    strict=True,
    reason="identify() lets a user id of up to 24 digits reach SQLite, whose INTEGER holds 19: "
    "OverflowError, and the user gets the 'internal error' apology",
)
async def test_a_23_digit_user_id_is_a_stranger(svc: Services) -> None:
    user = str(10**22 + 7)
    [answer] = await dispatch(svc, Request("telegram", user, user, "/nhiemvu", "1"))
    assert "chưa có trong danh sách" in answer.text


@pytest.mark.xfail(
    strict=True,
    reason="/han hands its whole argument to dateparser on the event loop: a 4,096-character "
    "date holds every other chat up for most of a second (0.83 s measured)",
)
async def test_a_huge_date_does_not_hold_up_the_event_loop(tmp_path: Path, clock: Clock) -> None:
    async with Store.open(tmp_path / "d.db") as store:
        await import_roster(store, load_roster(EXAMPLES / "roster.csv"))
        await apply_import(store, await plan_import(store, PLAN.read_text("utf-8")), clock())
        svc = Services(store=store, tz=TZ, clock=clock, platforms=("telegram",))
        head = next(o for o in await store.officials() if o.name == "Võ Thanh Tâm")
        [task, *_] = await store.tasks_of_units([head.unit_id])
        chat = str(head.telegram_id)
        date = ("#" + "9" * 23) * (4096 // 24)
        request = Request("telegram", chat, chat, f"/han #{task.id} {date}", "1")
        stalls: list[float] = []

        async def tick() -> None:
            loop = asyncio.get_running_loop()
            while True:
                before = loop.time()
                await asyncio.sleep(0.005)
                stalls.append(loop.time() - before - 0.005)

        ticker = asyncio.create_task(tick())
        await asyncio.sleep(0.02)
        started = time.perf_counter()
        [answer] = await dispatch(svc, request)
        elapsed = time.perf_counter() - started
        await asyncio.sleep(0.02)  # the ticker wakes and records the stall
        ticker.cancel()
        assert "Không đọc được ngày" in answer.text or "quá" in answer.text
        assert max(stalls) < 0.05, f"the loop stalled {max(stalls):.3f} s ({elapsed:.3f} s)"


@pytest.mark.xfail(
    strict=True,
    reason="dateparser reads a lone superscript digit as today, so '/han #12 ²' sets the "
    "deadline to today instead of answering that the date is unreadable",
)
def test_a_superscript_digit_is_not_a_date() -> None:
    with pytest.raises(DateError):
        parse_date("²", date(2026, 12, 2))
