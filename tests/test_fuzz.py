"""Fuzzing: random updates through the running bot crash nothing and leak nothing."""

from __future__ import annotations

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
    report = await fuzz(tmp_path, 200, seed=6, user_digits=23)
    assert report.updates == 200 and report.answers > 100
    assert report.ok, "\n".join(report.lines())


async def test_a_23_digit_user_id_is_a_stranger(svc: Services) -> None:
    user = str(10**22 + 7)
    [answer] = await dispatch(svc, Request("telegram", user, user, "/nhiemvu", "1"))
    assert "chưa có trong danh sách" in answer.text


async def test_a_huge_date_is_refused_before_dateparser_reads_it(
    tmp_path: Path, clock: Clock
) -> None:
    async with Store.open(tmp_path / "d.db") as store:
        await import_roster(store, load_roster(EXAMPLES / "roster.csv"))
        await apply_import(store, await plan_import(store, PLAN.read_text("utf-8")), clock())
        svc = Services(store=store, tz=TZ, clock=clock, platforms=("telegram",))
        head = next(o for o in await store.officials() if o.name == "Võ Thanh Tâm")
        [task, *_] = await store.tasks_of_units([head.unit_id])
        chat = "100011"  # his Telegram id in the roster
        huge = ("#" + "9" * 23) * (4096 // 24)
        request = Request("telegram", chat, chat, f"/han #{task.id} {huge}", "1")
        [answer] = await dispatch(svc, request)
        assert "Không đọc được ngày" in answer.text
        assert (await store.task(task.id)) == task
    # Refused by its length alone: dateparser, which takes seconds on such text, never runs.
    with pytest.raises(DateError):
        parse_date("1" * 61, date(2026, 12, 2))


def test_a_superscript_digit_is_not_a_date() -> None:
    with pytest.raises(DateError):
        parse_date("²", date(2026, 12, 2))
