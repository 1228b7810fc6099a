"""The follow-up engine over a year of the seed chain, with a controlled clock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

import pytest

from bot.dates import is_working_day
from bot.domain import Official, TaskStatus
from bot.importer import apply_import, plan_import, read_directive_file
from bot.services import Services
from bot.sweep import sweep
from storage import Store
from tests.conftest import EXAMPLES, TZ, Clock

SEEDS = sorted((EXAMPLES / "directives").glob("0*.txt"))


class Owed:
    """The messages the sweeps owed, read from the outbox: chat, text and local time."""

    def __init__(self, rows: list[tuple[str, str, datetime]]) -> None:
        self.rows = [(chat, text, at.astimezone(TZ)) for chat, text, at in rows]
        self.at = [at for _, _, at in self.rows]

    def to(self, chat_id: int) -> list[tuple[datetime, str]]:
        """(local time, text) of what was owed to one chat."""
        return [(at, text) for chat, text, at in self.rows if chat == str(chat_id)]


@pytest.fixture
def svc(store: Store, clock: Clock) -> Services:
    return Services(store=store, tz=TZ, clock=clock, platforms=("telegram",))


async def _import_seeds(store: Store, clock: Clock) -> None:
    for path in SEEDS:
        plans = await plan_import(store, read_directive_file(path))
        await apply_import(store, plans, clock())


async def _task(store: Store, unit: int, recurrence: str | None, code: str) -> int:
    row = await store._one(  # a test may read the database it set up
        "SELECT t.id FROM tasks t JOIN directives d ON d.id = t.directive_id"
        " WHERE t.unit_id = ? AND t.recurrence IS ? AND d.code = ? ORDER BY t.id",
        (unit, recurrence, code),
    )
    return int(row[0])


Hook = Callable[[date], Awaitable[None]]


async def walk(svc: Services, clock: Clock, start: date, end: date, hook: Hook) -> None:
    """Sweep in working hours and after them every day, as `dondoc run` would."""
    day = start
    while day <= end:
        for hour in (9, 18):
            clock.set_local(day, hour)
            if (await sweep(svc)).owed:
                assert (await sweep(svc)).owed == 0  # a second sweep at once owes nothing
        await hook(day)
        day += timedelta(days=1)


async def _note(
    store: Store, task_id: int, official: Official, now: datetime, text: str = "đã báo cáo"
) -> None:
    await store.add_update(
        task_id=task_id,
        official_id=official.id,
        text=text,
        percent=None,
        status=None,
        source=None,
        now=now,
    )


async def test_a_year_of_the_seed_chain(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    await _import_seeds(store, clock)
    mai, tam, phuc = roster["Huỳnh Ngọc Mai"], roster["Võ Thanh Tâm"], roster["Lý Văn Phúc"]
    culture, finance = mai.unit_id, phuc.unit_id
    yearly = await _task(store, culture, "yearly", "/KH-UBND")
    quarterly = await _task(store, culture, "periodic-unspecified", "/KH-UBND")
    monthly = await _task(store, finance, "periodic-unspecified", "/KH-UBND")
    undated = await _task(store, culture, None, "/UBND-TNMT")
    dated = await _task(store, finance, None, "/KH-UBND")
    await store.set_deadline(dated, date(2027, 1, 15))
    await store.set_recurrence(monthly, "monthly")  # as the leader's button does

    async def hook(day: date) -> None:
        now = clock()
        if day in (date(2026, 12, 15), date(2027, 3, 15), date(2027, 6, 15), date(2027, 9, 15)):
            await _note(store, quarterly, mai, now)  # each quarter reported on its due day
        if day == date(2026, 12, 10):
            await _note(store, undated, mai, now, "đang thực hiện")
        if day.day == 16 and day.month != 2:
            await _note(store, monthly, phuc, now)  # every month but February, a day late
        if day == date(2027, 2, 3):
            await store.add_update(
                task_id=dated,
                official_id=phuc.id,
                text="xong",
                percent=100,
                status=TaskStatus.DONE,
                source=None,
                now=now,
            )

    await walk(svc, clock, date(2026, 11, 23), date(2027, 12, 31), hook)
    sender = Owed(await store.owed_messages())

    # No message outside working hours, on a weekend or a holiday (Tết 2027 included).
    assert sender.at and all(is_working_day(at.date()) and 7 <= at.hour < 17 for at in sender.at)
    assert not [at for at in sender.at if date(2027, 2, 4) <= at.date() <= date(2027, 2, 10)]
    states = await store.nudge_states()
    sent = Counter((t, o, k, c) for t, o, k, c, s in states if s == "sent")
    assert max(sent.values()) == 1  # nothing twice

    def kinds(task: int, official: Official) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for t, o, k, c, s in states:
            if t == task and o == official.id and s == "sent":
                found.setdefault(c, set()).add(k)
        return found

    # Each quarter nudged before and on its due day, closed by its report, never overdue.
    q = kinds(quarterly, mai)
    for cycle in ("2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3"):
        assert {"before-7", "due"} <= q[cycle], (cycle, q)
        assert not any(k.startswith("overdue") for k in q[cycle])
    assert "2027-Q4" in q  # the last quarter of 2027, still unreported, was nudged too
    # Monthly after the leader chose it; February went unreported over Tết and was chased.
    m = kinds(monthly, phuc)
    assert {f"2027-{n:02d}" for n in range(1, 12)} <= set(m)
    assert any(k.startswith("overdue") for k in m["2027-02"])
    assert not any(k.startswith("overdue") for k in m["2027-05"])
    # The unreported yearly report: overdue repeats, the head told after 5 working days, the
    # leader of the issuing UBND after 10; then next year's cycle takes over.
    y = kinds(yearly, mai)
    assert {"before-7", "due", "overdue", "overdue-2"} <= y["2026"]
    assert "escalate-head" in kinds(yearly, tam)["2026"]
    leader = roster["Trần Văn Hùng"]
    assert "escalate-leader" in kinds(yearly, leader)["2026"]
    assert "before-7" in y["2027"]
    # The dated task: nudged, overdue, escalated, then silent once done.
    d = kinds(dated, phuc)["2027-01-15"]
    assert {"before-7", "before-3", "before-1", "due", "overdue", "overdue-2", "escalate-head"} <= d
    assert "escalate-leader" in kinds(dated, leader)["2027-01-15"]
    after_done = [
        text
        for at, text in sender.to(100022)
        if at.date() > date(2027, 2, 3) and f"#{dated} " in text
    ]
    assert not after_done
    # The undated task: checked in 10 working days after the import (24/11 is a holiday),
    # then 10 working days after the note of 10/12.
    u = kinds(undated, mai)
    assert "checkin-1" in u["2026-11-23"] and "checkin-1" in u["2026-12-10"]
    checkins = [
        at.date() for at, text in sender.to(100012) if f"#{undated} đến nay thế nào" in text
    ]
    assert checkins[:2] == [date(2026, 12, 8), date(2026, 12, 24)]
    # Leaders were asked for the missing deadlines and periods, once.
    asked = [text for _, text in sender.to(100001) if "chưa có hạn" in text or "chưa rõ kỳ" in text]
    assert len(asked) == 1
