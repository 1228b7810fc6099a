"""Nudge planning and the sweep: at most once per task, official and kind, across restarts."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain import Official, Recipient
from bot.nudges import plan, slots
from bot.services import Services
from bot.sweep import DeliveryError, sweep
from bot.transports import Reply
from storage import NewTask, Store
from tests.conftest import TZ, Clock, add_directive

DEADLINE = date(2026, 12, 4)  # a Friday


class Outbox:
    """A Sender that keeps what it was given; can be told to refuse."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply]] = []
        self.refuse = False

    def address(self, person: Recipient) -> str | None:
        return person.address_on("telegram")

    async def send(self, chat_id: str, reply: Reply) -> None:
        if self.refuse:
            raise DeliveryError("Forbidden: bot was blocked by the user")
        self.sent.append((chat_id, reply))


def local(day: date, hour: int = 9, tz: ZoneInfo = TZ) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=tz)


def test_slots_move_off_weekends() -> None:
    found = {s.kind: s.due_at.date() for s in slots(date(2026, 12, 7), (7, 3, 1), 8, TZ)}
    # Deadline Monday 7/12: 3 days before is Friday 4/12; 1 day before is Sunday -> Friday too,
    # so the later kind wins that day.
    assert found == {
        "before-7": date(2026, 11, 30),
        "before-1": date(2026, 12, 4),
        "due": date(2026, 12, 7),
        "overdue": date(2026, 12, 8),
    }


def test_plan_sends_the_latest_due_kind_and_supersedes_missed_ones() -> None:
    owed = plan(DEADLINE, local(date(2026, 12, 2)), (7, 3, 1), 8, TZ)
    assert owed.current is not None and owed.current.kind == "before-3"
    assert [s.kind for s in owed.superseded] == ["before-7"]
    assert plan(DEADLINE, local(date(2026, 11, 26)), (7, 3, 1), 8, TZ).current is None
    early = plan(DEADLINE, local(date(2026, 11, 27), hour=7), (7, 3, 1), 8, TZ)
    assert early.current is None  # the nudge hour has not come yet


async def _setup(store: Store, clock: Clock, roster: dict[str, Official]) -> int:
    unit = roster["Võ Thanh Tâm"].unit_id  # two officials with Telegram ids
    await add_directive(
        store, clock(), [NewTask(unit, "lead", "Dự thảo kế hoạch", deadline=DEADLINE)]
    )
    return (await store.tasks_of_units([unit]))[0].id


async def test_sweep_twice_sends_once(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    task_id = await _setup(store, clock, roster)
    outbox = Outbox()
    clock.set_local(date(2026, 11, 27))
    first = await sweep(svc, outbox)
    second = await sweep(svc, outbox)
    assert (first.sent, second.sent) == (2, 0)
    assert sorted(chat for chat, _ in outbox.sent) == ["100011", "100012"]
    reply = outbox.sent[0][1]
    assert reply.task_id == task_id
    assert f"#{task_id}" in reply.text and "04/12/2026" in reply.text and "Còn 7 ngày" in reply.text


async def test_restart_neither_loses_nor_repeats(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "d.db"
    outbox = Outbox()
    from bot.roster import import_roster, load_roster
    from tests.conftest import EXAMPLES

    async with Store.open(path) as store:
        await import_roster(store, load_roster(EXAMPLES / "roster.csv"))
        roster = {o.name: o for o in await store.officials()}
        await _setup(store, clock, roster)
        clock.set_local(date(2026, 11, 27))
        assert (await sweep(Services(store=store, tz=TZ, clock=clock), outbox)).sent == 2
    async with Store.open(path) as store:  # the bot restarts
        svc = Services(store=store, tz=TZ, clock=clock)
        assert (await sweep(svc, outbox)).sent == 0
        clock.set_local(date(2026, 12, 1))  # down over the weekend; back on Tuesday
        assert (await sweep(svc, outbox)).sent == 2
    kinds = [r.text.splitlines()[0] for _, r in outbox.sent]
    assert kinds.count("🔔 <b>Còn 3 ngày đến hạn</b>") == 2


async def test_catching_up_sends_only_the_latest_kind(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    task_id = await _setup(store, clock, roster)
    outbox = Outbox()
    clock.set_local(date(2026, 12, 8))  # first sweep after the deadline
    assert (await sweep(svc, outbox)).sent == 2
    assert all("quá hạn" in r.text for _, r in outbox.sent)
    states = {(kind, state) for t, _, kind, _, state in await store.nudge_states() if t == task_id}
    assert ("overdue", "sent") in states and ("before-7", "skipped") in states


async def test_a_refused_nudge_is_retried_next_sweep(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    await _setup(store, clock, roster)
    outbox = Outbox()
    outbox.refuse = True
    clock.set_local(date(2026, 11, 27))
    failed = await sweep(svc, outbox)
    assert (failed.sent, failed.failed) == (0, 2)
    outbox.refuse = False
    assert (await sweep(svc, outbox)).sent == 2


async def test_done_tasks_get_no_nudge(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    task_id = await _setup(store, clock, roster)
    from bot.domain import TaskStatus

    await store.add_update(
        task_id=task_id,
        official_id=roster["Võ Thanh Tâm"].id,
        text="xong",
        percent=100,
        status=TaskStatus.DONE,
        source=None,
        now=clock(),
    )
    clock.set_local(date(2026, 12, 8))
    outbox = Outbox()
    assert (await sweep(svc, outbox)).sent == 0


async def test_nobody_is_nudged_at_night(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    await _setup(store, clock, roster)
    outbox = Outbox()
    clock.set_local(date(2026, 11, 27), hour=21)
    assert (await sweep(svc, outbox)).sent == 0
    clock.set_local(date(2026, 11, 30), hour=8)  # Monday morning: the missed nudge goes out
    assert (await sweep(svc, outbox)).sent == 2


class Interrupted(Outbox):
    """A sender cut short, as by a shutdown in the middle of a send."""

    async def send(self, chat_id: str, reply: Reply) -> None:
        raise asyncio.CancelledError


async def test_a_send_cut_short_is_retried(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    await _setup(store, clock, roster)
    clock.set_local(date(2026, 11, 27))
    with pytest.raises(asyncio.CancelledError):
        await sweep(svc, Interrupted())
    outbox = Outbox()
    assert (await sweep(svc, outbox)).sent == 2


async def test_a_claim_left_by_a_dead_process_is_taken_again_once_stale(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    task_id = await _setup(store, clock, roster)
    clock.set_local(date(2026, 11, 27))
    mai = roster["Huỳnh Ngọc Mai"].id
    assert await store.claim_nudge(task_id, mai, "before-7", "2026-12-04", clock())  # then dies
    outbox = Outbox()
    assert (await sweep(svc, outbox)).sent == 1  # the other official only
    clock.now += timedelta(minutes=20)
    assert (await sweep(svc, outbox)).sent == 1  # the stale claim is taken again
    assert sorted(chat for chat, _ in outbox.sent) == ["100011", "100012"]


async def test_one_bad_task_does_not_stop_the_others(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    await _setup(store, clock, roster)
    finance = roster["Lý Văn Phúc"].unit_id
    await add_directive(
        store,
        clock(),
        [NewTask(finance, "lead", "Xa lắm", deadline=date(9999, 12, 31))],
        code="1/KH",
    )
    clock.set_local(date(2026, 11, 27))
    assert (await sweep(svc, Outbox())).sent == 2


def test_a_weekend_deadline_is_announced_with_the_days_left() -> None:
    by_kind = {s.kind: s for s in slots(date(2026, 11, 29), (7, 3, 1), 8, TZ)}  # a Sunday
    assert by_kind["due"].due_at.date() == date(2026, 11, 27)
    assert by_kind["due"].days == 2
