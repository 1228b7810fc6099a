"""Nudge planning and the sweep: at most once per task, official and kind, across restarts."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain import Official, TaskStatus
from bot.followup.rules import Rules
from bot.nudges import plan, slots
from bot.roster import import_roster, load_roster
from bot.services import Services
from bot.sweep import SweepResult, sweep
from bot.transports.outbox import LEASE, OutboxSender
from storage import NewDirective, NewTask, Store
from tests.conftest import ENGINES, EXAMPLES, TZ, Clock, add_directive
from tests.recorder import Recorder

DEADLINE = date(2026, 12, 4)  # a Friday


@pytest.fixture
def svc(store: Store, clock: Clock) -> Services:
    """Services without the weekly digest: these tests count nudges alone."""
    return Services(
        store=store, tz=TZ, clock=clock, platforms=("telegram",), rules=Rules(digest_weekday=None)
    )


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test here runs on SQLite and on PostgreSQL."""
    return str(request.param)


def services_at(store: Store, now: datetime) -> Services:
    """Services whose clock stands at `now`, without the weekly digest."""
    return Services(
        store=store,
        tz=TZ,
        clock=lambda: now,
        platforms=("telegram",),
        rules=Rules(digest_weekday=None),
    )


async def send_due(svc: Services, recorder: Recorder, now: datetime | None = None) -> int:
    """One sweep, then deliver what it owed; how many messages went out."""
    await sweep(svc, now)
    return (await OutboxSender(svc, {"telegram": recorder}).drain()).sent


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
    recorder = Recorder()
    clock.set_local(date(2026, 11, 27))
    assert (await sweep(svc)).owed == 2
    assert (await sweep(svc)).owed == 0
    assert (await OutboxSender(svc, {"telegram": recorder}).drain()).sent == 2
    assert await send_due(svc, recorder) == 0
    assert sorted(chat for chat, _ in recorder.sent) == ["100011", "100012"]
    text = recorder.texts()[0]
    assert f"#{task_id}" in text and "04/12/2026" in text and "Còn 7 ngày" in text
    # A reply to the nudge is about its task: the link was made with the owed message.
    assert await store.task_of_message("telegram", "100011", "1") == task_id


async def test_restart_neither_loses_nor_repeats(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "d.db"
    recorder = Recorder()
    async with Store.open(path) as store:
        await import_roster(store, load_roster(EXAMPLES / "roster.csv"))
        roster = {o.name: o for o in await store.officials()}
        await _setup(store, clock, roster)
        clock.set_local(date(2026, 11, 27))
        # Owed, then the process dies before anything is sent.
        svc = Services(
            store=store,
            tz=TZ,
            clock=clock,
            platforms=("telegram",),
            rules=Rules(digest_weekday=None),
        )
        assert (await sweep(svc)).owed == 2
    async with Store.open(path) as store:  # the bot restarts
        svc = Services(
            store=store,
            tz=TZ,
            clock=clock,
            platforms=("telegram",),
            rules=Rules(digest_weekday=None),
        )
        assert await send_due(svc, recorder) == 2  # what was owed is sent, once
        assert await send_due(svc, recorder) == 0
        clock.set_local(date(2026, 12, 1))  # down over the weekend; back on Tuesday
        assert await send_due(svc, recorder) == 2
    kinds = [text.splitlines()[0] for text in recorder.texts()]
    assert kinds.count("🔔 <b>Còn 3 ngày đến hạn</b>") == 2


async def test_catching_up_sends_only_the_latest_kind(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    task_id = await _setup(store, clock, roster)
    recorder = Recorder()
    clock.set_local(date(2026, 12, 8))  # first sweep after the deadline
    assert await send_due(svc, recorder) == 2
    assert all("quá hạn" in text for text in recorder.texts())
    states = {(kind, state) for t, _, kind, _, state in await store.nudge_states() if t == task_id}
    assert ("overdue", "sent") in states and ("before-7", "skipped") in states


async def test_a_refused_nudge_is_given_up_and_a_delayed_one_retried(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    await _setup(store, clock, roster)
    recorder = Recorder()
    recorder.mode = "later"
    clock.set_local(date(2026, 11, 27))
    assert await send_due(svc, recorder) == 0
    recorder.mode = "ok"
    assert await send_due(svc, recorder) == 0  # not before the platform's wait is over
    clock.now += timedelta(minutes=2)
    assert await send_due(svc, recorder) == 2
    recorder.mode = "refuse"  # the officials blocked the bot
    clock.set_local(date(2026, 12, 1))
    assert (await sweep(svc)).owed == 2
    tally = await OutboxSender(svc, {"telegram": recorder}).drain()
    assert (tally.sent, tally.failed) == (0, 2)
    assert (await OutboxSender(svc, {"telegram": recorder}).drain()).failed == 0  # given up
    states = [state for _, _, _, state, _ in await store.outbox_states()]
    assert states.count("sent") == 2 and states.count("failed") == 2


async def test_done_tasks_get_no_nudge(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    task_id = await _setup(store, clock, roster)
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
    assert await send_due(svc, Recorder()) == 0


async def test_nobody_is_nudged_at_night(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    await _setup(store, clock, roster)
    recorder = Recorder()
    clock.set_local(date(2026, 11, 27), hour=21)
    assert await send_due(svc, recorder) == 0
    clock.set_local(date(2026, 11, 30), hour=8)  # Monday morning: the missed nudge goes out
    assert await send_due(svc, recorder) == 2


async def test_a_send_cut_short_is_sent_once_its_lease_runs_out(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    await _setup(store, clock, roster)
    clock.set_local(date(2026, 11, 27))
    recorder = Recorder()
    recorder.mode = "cancel"  # as a shutdown or a kill in the middle of a send
    assert await send_due(svc, recorder) == 0
    recorder.mode = "ok"
    assert await send_due(svc, recorder) == 0  # still leased to the sender that died
    clock.now += LEASE
    assert (await OutboxSender(svc, {"telegram": recorder}).drain()).sent == 2
    assert await send_due(svc, recorder) == 0


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
    assert await send_due(svc, Recorder()) == 2


def test_a_weekend_deadline_is_announced_with_the_days_left() -> None:
    by_kind = {s.kind: s for s in slots(date(2026, 11, 29), (7, 3, 1), 8, TZ)}  # a Sunday
    assert by_kind["due"].due_at.date() == date(2026, 11, 27)
    assert by_kind["due"].days == 2


async def test_an_officials_items_due_at_once_come_in_one_message_in_their_language(
    store: Store,
) -> None:
    # Three units with 30 tasks each, interleaved by id and all due the same morning: more
    # than one batch of the sweep, yet each unit's items are planned together.
    now = datetime(2026, 12, 4, 2, tzinfo=UTC)
    units = []
    for n in range(3):
        unit, _ = await store.upsert_unit(f"Phòng Thử {n}", f"phong thu {n}", None)
        official = await store.add_official(unit.id, f"Cán bộ {n}", "member")
        await store.link_identity(official, "telegram", str(7000 + n), now)
        units.append(unit.id)
    await store.set_locale(official, "en")  # the third official chose English
    tasks = [NewTask(units[i % 3], "lead", f"Nhiệm vụ {i}", date(2026, 12, 4)) for i in range(90)]
    await store.add_directive(
        NewDirective("k1", "1/KH", "Kế hoạch", "UBND", None, None, "", "1", None, [], tasks),
        now,
    )
    svc = services_at(store, now)
    stopping = asyncio.Event()
    stopping.set()  # a bot that is stopping starts no batch: nothing planned, nothing owed
    assert await sweep(svc, now, stopping) == SweepResult()
    result = await sweep(svc, now)
    assert result.planned == 90
    chats = Counter(chat for _, _, chat, _, _ in await store.outbox_states())
    assert chats == {"7000": 1, "7001": 1, "7002": 1}
    texts = {chat: text for chat, text, _ in await store.owed_messages()}
    assert "Due today" in texts["7002"] and "Hôm nay đến hạn" in texts["7000"]


async def test_what_a_document_left_open_is_asked_of_whoever_confirmed_its_import(
    store: Store,
) -> None:
    now = datetime(2026, 12, 4, 2, tzinfo=UTC)
    town, _ = await store.upsert_unit("UBND huyện Thử", "ubnd huyen thu", None)
    office, _ = await store.upsert_unit("Phòng Thử", "phong thu", town.id)
    leader = await store.add_official(town.id, "Lãnh đạo", "leader")
    deputy = await store.add_official(town.id, "Phó Chủ tịch", "leader")
    member = await store.add_official(office.id, "Cán bộ", "member")
    for official, chat in ((leader, "8001"), (deputy, "8002"), (member, "8003")):
        await store.link_identity(official, "telegram", chat, now)
    undated = [NewTask(office.id, "lead", "Rà soát hồ sơ")]
    svc = services_at(store, now)
    tasks = {}
    for code, by in (("1/KH", deputy), ("2/KH", None)):
        directive = await store.add_directive(
            NewDirective(
                code, code, "Kế hoạch", "UBND", None, None, "", code, town.id, [], undated
            ),
            now - timedelta(days=1),
        )
        if by is not None:
            await store.set_importer([directive], by)
        [tasks[code]] = [t.id for t in await store.tasks_of_directive(directive)]
    await sweep(svc, now)
    asked = {
        chat: {code for code, task in tasks.items() if f"#{task} chưa có hạn" in text}
        for chat, text, _ in await store.owed_messages()
    }
    # The deputy confirmed 1/KH: only they are asked; 2/KH came from the command line, so
    # the issuing unit's leaders are.
    assert asked == {"8001": {"2/KH"}, "8002": {"1/KH", "2/KH"}}


async def test_two_sweeps_at_once_owe_each_message_once_and_a_note_read_late_wins(
    store: Store,
) -> None:
    now = datetime(2026, 12, 4, 2, tzinfo=UTC)
    unit, _ = await store.upsert_unit("Phòng Thử", "phong thu", None)
    official = await store.add_official(unit.id, "Cán bộ", "member")
    await store.link_identity(official, "telegram", "9001", now)
    tasks = [NewTask(unit.id, "lead", f"Nhiệm vụ {i}", date(2026, 12, 4)) for i in range(3)]
    await store.add_directive(
        NewDirective("k1", "1/KH", "Kế hoạch", "UBND", None, None, "", "1", None, [], tasks),
        now,
    )
    [first, *_] = await store.due_tasks(now, 10, 10)
    # A note after the index was read: the task is no longer what was read, the others are.
    await store.add_update(
        task_id=first.task.id,
        official_id=official,
        text="đã xong phần lớn",
        percent=80,
        status=None,
        source=None,
        now=now,
    )
    again = await store.due_again(now, [first.task.id])
    assert again and again[0] != first and again[0].task.last_percent == 80
    svc = services_at(store, now)
    # Both read the same due rows before either writes; the second finds them planned.
    results = await asyncio.gather(sweep(svc, now), sweep(svc, now))
    assert sum(r.owed for r in results) == 1
    assert sum(r.planned for r in results) == 3
    [(chat, text, _)] = await store.owed_messages()
    assert chat == "9001" and text.count("Hôm nay đến hạn") >= 1
