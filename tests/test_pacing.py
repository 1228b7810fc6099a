"""The pacer's turns: answers before bulk sends, in arrival order, and a cancelled waiter
never keeps the turn."""

from __future__ import annotations

import asyncio

from bot.transports.pacing import Pacer
from storage.turns import Turns


async def _take(
    turns: Turns, bulk: bool, name: str, order: list[str], release: asyncio.Event
) -> None:
    async with turns.turn(behind=bulk):
        order.append(name)
        await release.wait()


async def test_answers_go_before_bulk_sends_waiting_longer() -> None:
    turns, order, release = Turns(), [], asyncio.Event()
    release.set()
    hold = asyncio.Event()
    first = asyncio.create_task(_take(turns, True, "holder", order, hold))
    await asyncio.sleep(0)
    waiting = []
    for bulk, name in (
        (True, "bulk 1"),
        (False, "answer 1"),
        (True, "bulk 2"),
        (False, "answer 2"),
    ):
        waiting.append(asyncio.create_task(_take(turns, bulk, name, order, release)))
        await asyncio.sleep(0)
    hold.set()
    await asyncio.gather(first, *waiting)
    assert order == ["holder", "answer 1", "answer 2", "bulk 1", "bulk 2"]


async def test_a_cancelled_waiter_hands_the_turn_on() -> None:
    turns, order = Turns(), []
    hold, release = asyncio.Event(), asyncio.Event()
    release.set()
    holder = asyncio.create_task(_take(turns, True, "holder", order, hold))
    await asyncio.sleep(0)
    gone = asyncio.create_task(_take(turns, False, "gone", order, release))
    after = asyncio.create_task(_take(turns, True, "after", order, release))
    await asyncio.sleep(0)
    gone.cancel()
    hold.set()
    await asyncio.gather(holder, after)
    assert order == ["holder", "after"]
    # The turn is free again: a new holder gets it at once.
    await asyncio.wait_for(_take(turns, True, "again", order, release), 1)
    assert order[-1] == "again"


async def test_an_answer_takes_the_slot_a_bulk_send_is_waiting_for() -> None:
    # Two sends a second: a bulk send after another waits half a second for its slot; an
    # answer that comes meanwhile takes that slot, and the bulk send the one after.
    pacer, loop, went = Pacer(2.0, 0.0), asyncio.get_running_loop(), {}
    start = loop.time()

    async def send(name: str, bulk: bool) -> None:
        await pacer.wait(name, bulk)
        went[name] = loop.time() - start

    await send("bulk 1", True)
    second = asyncio.create_task(send("bulk 2", True))
    await asyncio.sleep(0.1)
    await send("answer", False)
    await second
    # Without the hand-over bulk 2 would keep its slot and the answer wait for the next.
    assert list(went) == ["bulk 1", "answer", "bulk 2"]
    # The timeline holds for both: no send comes sooner than its slot.
    assert went["answer"] >= 0.45 and went["bulk 2"] - went["answer"] >= 0.45


async def test_a_piece_after_another_keeps_the_chat_gap_and_a_new_answer_does_not() -> None:
    pacer, loop, went = Pacer(1000.0, 0.3), asyncio.get_running_loop(), []

    async def send(chat: str, follows: bool) -> None:
        await pacer.wait(chat, False, follows=follows)
        went.append((chat, follows, loop.time()))

    await send("1", False)  # an answer's text
    chart = asyncio.create_task(send("1", True))  # its chart, the next piece of it
    await send("2", False)  # another chat's answer does not wait for that gap
    await chart
    assert [(c, f) for c, f, _ in went] == [("1", False), ("2", False), ("1", True)]
    assert went[2][2] - went[0][2] >= 0.3


async def test_a_refused_answer_holds_its_chat_only() -> None:
    pacer, loop, went = Pacer(1000.0, 0.0), asyncio.get_running_loop(), []
    start = loop.time()
    pacer.hold("1", 0.3)  # the platform refused an answer to chat 1 for 0.3 s

    async def send(chat: str) -> None:
        await pacer.wait(chat, False)
        went.append((chat, loop.time() - start))

    await asyncio.gather(send("1"), send("2"))
    assert [c for c, _ in went] == ["2", "1"] and went[1][1] >= 0.3
