"""Kill tests: `dondoc run` is SIGKILLed at random moments and nothing owed is lost."""

from __future__ import annotations

from pathlib import Path

from bot.roster import import_roster, load_roster
from bot.services import Services
from bot.transports import Received, Request
from bot.transports.inbox import InboxWorker
from bot.transports.outbox import OutboxSender
from handlers import dispatch
from storage import NewTask, Store
from tests.conftest import EXAMPLES, TZ, Clock, add_directive
from tests.faultkit import fault_run
from tests.recorder import Recorder


async def test_a_bot_killed_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    # One kill of each kind: in a stream of notes, with a backlog, while a sweep and then the
    # bot send nudges, while an import confirmation tells the units.
    report = await fault_run(
        tmp_path, kills=5, seed=20261201, wait_leases=False, note_gap=0.25, backlog=(8, 20)
    )
    # On a busy machine a sweep can finish before its kill lands; that kill then falls on the
    # next moment, so not every kind is always hit. What must hold is counted below.
    assert report.kills >= 5 and len(report.kills_by_moment) >= 3
    assert report.notes > 20 and report.owed["answer"] >= report.notes
    assert report.ok, "\n".join(report.lines() + report.log_errors + report.internal_answers)


async def test_a_note_stored_just_before_a_crash_is_answered_as_recorded(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "d.db"
    async with Store.open(path) as store:
        await import_roster(store, load_roster(EXAMPLES / "roster.csv"))
        mai = next(o for o in await store.officials() if o.name == "Huỳnh Ngọc Mai")
        [task_id] = await _one_task(store, clock, mai.unit_id)
        svc = Services(store=store, tz=TZ, clock=clock, platforms=("telegram",))
        chat = "100012"  # her Telegram id in the roster
        note = Request("telegram", chat, chat, f"/capnhat #{task_id} đạt 30%", "7")
        worker = InboxWorker(svc, {"telegram": Recorder()}, OutboxSender(svc, {}))
        await worker.store_batch("telegram", [Received(f"m:{chat}:7", note)])
        # The handler runs; the process dies before the update is marked handled.
        await dispatch(svc, note)
    async with Store.open(path) as store:
        svc = Services(store=store, tz=TZ, clock=clock, platforms=("telegram",))
        recorder = Recorder()
        outbox = OutboxSender(svc, {"telegram": recorder})
        worker = InboxWorker(svc, {"telegram": recorder}, outbox)
        await worker.handle_stored()
        await worker.settle()
        await outbox.drain()
        [answer] = recorder.texts()
        assert "Đã ghi báo cáo tiến độ" in answer and "30%" in answer
        assert await store.update_count(task_id) == 1


async def _one_task(store: Store, clock: Clock, unit_id: int) -> list[int]:
    directive = await add_directive(store, clock(), [NewTask(unit_id, "lead", "Dự thảo", None)])
    return [t.id for t in await store.tasks_of_directive(directive)]
