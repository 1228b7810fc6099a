"""The inbox and the outbox in a real SQLite file: once each, leases, links, atomic writes."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import Official
from bot.services import Services
from bot.transports import OutFile, Reply, Request
from bot.transports.outbox import OutboxSender
from bot.transports.telegram import TelegramTransport
from storage import Incoming, Outgoing, Store
from tests.conftest import ENGINES, TZ
from tests.fakebotapi import FakeBotApi
from tests.recorder import Recorder
from tests.test_store import finance_task

NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)
LEASE = timedelta(seconds=60)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test here runs on SQLite and on PostgreSQL."""
    return str(request.param)


def note(n: int, chat: str = "100021") -> Incoming:
    request = Request("telegram", chat, chat, f"/capnhat #1 ghi chú {n}", message_id=str(n))
    return Incoming("telegram", f"m:{chat}:{n}", chat, request.to_json())


async def test_an_update_delivered_twice_is_stored_once(store: Store) -> None:
    assert await store.receive([note(1), note(2)], NOW) == 2
    assert await store.receive([note(2), note(3)], NOW) == 1  # the platform sent 2 again
    rows = await store.unhandled(["telegram"])
    assert [Request.from_json(r.request).text[-1] for r in rows] == ["1", "2", "3"]
    assert await store.unhandled(["zalo"]) == []


async def test_handling_an_update_and_owing_its_answer_is_one_step(store: Store) -> None:
    await store.receive([note(1)], NOW)
    [row] = await store.unhandled(["telegram"])
    answer = Outgoing("telegram", "100021", Reply("Đã ghi"))
    assert await store.finish_update(row.id, [answer], NOW)
    assert not await store.finish_update(row.id, [answer], NOW)  # handled already: no 2nd answer
    assert await store.unhandled(["telegram"]) == []
    assert await store.owed_count(["telegram"]) == 1


async def test_a_keyed_message_is_owed_once(store: Store) -> None:
    nudge = Outgoing("telegram", "100021", Reply("Còn 3 ngày"), key="nudge:1:2:before-3:x")
    assert len(await store.enqueue([nudge], NOW)) == 1
    assert await store.enqueue([nudge], NOW) == []
    assert await store.owed_count(["telegram"]) == 1


async def test_a_claim_is_leased_and_taken_again_when_the_lease_runs_out(store: Store) -> None:
    await store.enqueue([Outgoing("telegram", "1", Reply("a"))], NOW)
    [row] = await store.claim_outgoing(["telegram"], NOW, LEASE, 10)
    assert row.attempts == 1
    assert await store.claim_outgoing(["telegram"], NOW, LEASE, 10) == []  # another sender
    again = await store.claim_outgoing(["telegram"], NOW + LEASE, LEASE, 10)
    assert [r.id for r in again] == [row.id]  # the first sender died; nothing stays stuck
    assert again[0].attempts == 2


async def test_a_lease_kept_while_a_file_is_made_keeps_other_senders_off(store: Store) -> None:
    await store.enqueue([Outgoing("telegram", "1", Reply("a"))], NOW)
    [row] = await store.claim_outgoing(["telegram"], NOW, LEASE, 10)
    await store.extend_lease(row.id, NOW + LEASE + LEASE)
    assert await store.claim_outgoing(["telegram"], NOW + LEASE, LEASE, 10) == []
    again = await store.claim_outgoing(["telegram"], NOW + LEASE + LEASE, LEASE, 10)
    assert [r.id for r in again] == [row.id]


async def test_answers_go_before_bulk_and_retries_wait(store: Store) -> None:
    await store.enqueue([Outgoing("telegram", "1", Reply("nudge"), bulk=True)], NOW)
    await store.enqueue([Outgoing("telegram", "2", Reply("answer"))], NOW)
    rows = await store.claim_outgoing(["telegram"], NOW, LEASE, 10)
    assert [r.reply.text for r in rows] == ["answer", "nudge"]
    await store.outgoing_later(rows[0].id, NOW + timedelta(seconds=30), "429")
    await store.outgoing_sent(rows[1].id, NOW)
    assert await store.claim_outgoing(["telegram"], NOW, LEASE, 10) == []
    [retry] = await store.claim_outgoing(["telegram"], NOW + timedelta(seconds=30), LEASE, 10)
    assert retry.reply.text == "answer"
    await store.outgoing_failed(retry.id, "Forbidden", NOW)
    states = {s for _, _, _, s, _ in await store.outbox_states()}
    assert states == {"sent", "failed"}


async def test_replies_keep_their_buttons_files_and_links(
    store: Store, roster: dict[str, Official]
) -> None:
    official, task = await finance_task(store, roster)
    chart = OutFile("bieu-do.png", b"\x89PNG", "photo")
    reply = Reply("Nhiệm vụ", task_id=task.id, buttons=(("Xong", "done:1"),), files=(chart,))
    await store.enqueue([Outgoing("telegram", "100021", reply, official_id=official.id)], NOW)
    [row] = await store.claim_outgoing(["telegram"], NOW, LEASE, 10)
    assert row.reply == reply and row.official_id == official.id
    await store.piece_sent(row.id, "telegram", "100021", "7", 1)
    await store.outgoing_sent(row.id, NOW)
    assert await store.task_of_message("telegram", "100021", "7") == task.id
    assert await store.task_of_message("telegram", "100022", "7") is None
    assert await store.latest_choices("telegram", "100021") == (("Xong", "done:1"),)


async def test_a_chart_is_drawn_after_its_text_is_sent_and_a_bad_one_never_resends_it(
    store: Store,
) -> None:
    spec = {
        "title": "Tổng hợp · 11/2026",
        "axis": "Nhiệm vụ",
        "series": ["xong", "đang làm", "quá hạn", "chưa báo cáo"],
        "units": [["Phòng Tài chính", 2, 1, 0, 1], ["Phòng Nội vụ", 0, 1, 2, 0]],
    }
    chart = OutFile("bieu-do.png", json.dumps(spec).encode(), "chart")
    await store.enqueue(
        [
            Outgoing("telegram", "100021", Reply("Tổng hợp", files=(chart,))),
            Outgoing(
                "telegram", "100022", Reply("Tổng hợp 2", files=(OutFile("x.png", b"{", "chart"),))
            ),
        ],
        NOW,
    )
    later = NOW
    svc = Services(store=store, tz=TZ, clock=lambda: later, platforms=("telegram",))
    async with FakeBotApi() as fake:
        transport = TelegramTransport("123456:TEST", fake.url)
        await transport.start(serve=False)
        try:
            await OutboxSender(svc, {"telegram": transport}).drain()
            later = NOW + timedelta(hours=1)  # the broken chart's retry is due
            await OutboxSender(svc, {"telegram": transport}).drain()
        finally:
            await transport.stop()
    text, photo = fake.messages_to(100021)
    assert (text.method, text.plain_text) == ("sendMessage", "Tổng hợp")
    assert photo.method == "sendPhoto" and (photo.file_data or b"").startswith(b"\x89PNG")
    # A chart that cannot be drawn is tried again on its own: its text went once.
    assert [(m.method, m.plain_text) for m in fake.messages_to(100022)] == [
        ("sendMessage", "Tổng hợp 2")
    ]
    states = {chat: state for _, _, chat, state, _ in await store.outbox_states()}
    assert states == {"100021": "sent", "100022": "pending"}


async def test_a_failed_atomic_block_writes_nothing(
    store: Store, roster: dict[str, Official]
) -> None:
    official, task = await finance_task(store, roster)

    async def change_then_crash() -> None:
        async with store.atomic():
            await store.enqueue([Outgoing("telegram", "1", Reply("a"))], NOW)
            await store.owe_nudge(task.id, official.id, "due", "x", NOW)
            raise RuntimeError("crash before the end")

    with pytest.raises(RuntimeError):
        await change_then_crash()
    assert await store.owed_count(["telegram"]) == 0
    assert await store.nudge_states() == []


async def test_a_stopped_sender_leaves_its_backlog_owed_instead_of_draining_it(
    store: Store,
) -> None:
    # Bulk messages to one chat go a second apart: a backlog of 50 would take 50 s.
    await store.enqueue(
        [Outgoing("telegram", "1", Reply(f"nudge {n}"), bulk=True) for n in range(50)], NOW
    )
    recorder = Recorder()
    svc = Services(store=store, tz=TZ, clock=lambda: NOW, platforms=("telegram",))
    sender, stop = OutboxSender(svc, {"telegram": recorder}), asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    while not recorder.sent:  # noqa: ASYNC110 - the recorder has nothing to wait on
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(running, timeout=10)
    assert 1 <= len(recorder.sent) <= 2
    assert await store.owed_count(["telegram"]) == 50 - len(recorder.sent)
    # Given back untried, not leased: the next start sends them at once, all attempts left.
    pending = [s for s in await store.outbox_states() if s[3] == "pending"]
    assert len(pending) == 50 - len(recorder.sent)
    assert {attempts for *_, attempts in pending} == {0}


async def test_bulk_claims_leave_room_for_answers_and_skip_chats_in_flight(store: Store) -> None:
    await store.enqueue(
        [
            Outgoing("telegram", str(chat), Reply(f"nudge {n}"), bulk=True)
            for chat in (1, 2, 3)
            for n in range(3)
        ],
        NOW,
    )
    # Chat 1 has a message in flight: its next ones would only wait for it.
    rows = await store.claim_outgoing(["telegram"], NOW, LEASE, 8, bulk_limit=6, busy={"1"})
    assert [(r.chat_id, r.reply.text) for r in rows] == [("2", "nudge 0"), ("3", "nudge 0")]
    rows = await store.claim_outgoing(["telegram"], NOW, LEASE, 8, bulk_limit=1)
    assert [r.chat_id for r in rows] == ["1"]
    await store.enqueue([Outgoing("telegram", "2", Reply("answer"))], NOW)
    rows = await store.claim_outgoing(["telegram"], NOW, LEASE, 8, bulk_limit=0, busy={"2"})
    assert [r.reply.text for r in rows] == ["answer"]  # answers go even to a chat in flight


async def test_an_answers_writes_go_before_background_writes_waiting(store: Store) -> None:
    held, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with store.atomic():
            await store.enqueue([Outgoing("telegram", "1", Reply("first"))], NOW)
            held.set()
            await release.wait()

    async def write(text: str) -> None:
        await store.enqueue([Outgoing("telegram", "1", Reply(text))], NOW)

    async def answer() -> None:
        with store.answering():
            await write("answer")

    first = asyncio.create_task(holder())
    await held.wait()
    sweep = asyncio.create_task(write("background"))  # waits first, but from behind
    await asyncio.sleep(0.01)
    reply = asyncio.create_task(answer())
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(first, sweep, reply)
    rows = await store.claim_outgoing(["telegram"], NOW, LEASE, 10)
    assert [r.reply.text for r in sorted(rows, key=lambda r: r.id)] == [
        "first",
        "answer",
        "background",
    ]
