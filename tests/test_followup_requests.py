"""Snooze, mute, leave, extension requests, report periods, the digest and two sweepers."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

from bot.domain import Official
from bot.followup.rules import Rules
from bot.roster import import_roster, load_roster
from bot.services import Services
from bot.sweep import sweep
from bot.transports import Reply, Request
from handlers import dispatch
from storage import NewTask, Outgoing, Store
from tests.conftest import EXAMPLES, TZ, Chat, Clock, add_directive

DEADLINE = date(2026, 12, 4)  # a Friday; the 7-day nudge is due on Friday 27/11


def _svc(store: Store, clock: Clock, **rules: object) -> Services:
    return Services(
        store=store,
        tz=TZ,
        clock=clock,
        platforms=("console",),
        rules=Rules(digest_weekday=None, **rules),  # type: ignore[arg-type]
    )


async def _task(
    store: Store, clock: Clock, unit: int, code: str = "412/KH-UBND", **kwargs: object
) -> int:
    task = NewTask(unit, "lead", "Dự thảo kế hoạch", **kwargs)  # type: ignore[arg-type]
    await add_directive(store, clock(), [task], code=code)
    return (await store.tasks_of_units([unit]))[-1].id


async def _owed_to(store: Store, official: Official) -> list[str]:
    return [text for chat, text, _ in await store.owed_messages() if chat == str(official.id)]


async def _press(svc: Services, who: Official, data: str) -> list[str]:
    req = Request("console", str(who.id), str(who.id), callback=data, callback_id="1")
    return [r.text for r in await dispatch(svc, req)]


async def test_snooze_mute_and_leave(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    svc = _svc(store, clock)
    mai, tam = roster["Huỳnh Ngọc Mai"], roster["Võ Thanh Tâm"]
    task = await _task(store, clock, mai.unit_id, deadline=DEADLINE)
    clock.set_local(date(2026, 11, 27), hour=8)
    assert "Đã hoãn nhắc" in await Chat(svc, mai.id).text(f"/nhaclai #{task} 3 ngày")
    clock.set_local(date(2026, 11, 27))
    await sweep(svc)
    assert len(await _owed_to(store, tam)) == 1 and not await _owed_to(store, mai)
    clock.set_local(date(2026, 11, 30))  # the snooze ended at 08:00 today: the nudge comes now
    await sweep(svc)
    assert ["Còn 7 ngày" in t for t in await _owed_to(store, mai)] == [True]
    # Muted: nothing of that task; back on with "bỏ".
    assert "Đã tắt nhắc" in await Chat(svc, mai.id).text(f"/tatnhac #{task}")
    clock.set_local(date(2026, 12, 1))
    await sweep(svc)
    assert len(await _owed_to(store, mai)) == 1 and len(await _owed_to(store, tam)) == 2
    assert "bật lại" in await Chat(svc, mai.id).text(f"/tatnhac #{task} bỏ")
    # On leave until 3/12: nothing on the 3rd, the due-day nudge on the 4th.
    assert "nghỉ phép" in await Chat(svc, mai.id).text("/tatnhac đến 3/12")
    clock.set_local(date(2026, 12, 3))
    await sweep(svc)
    assert len(await _owed_to(store, mai)) == 1
    clock.set_local(date(2026, 12, 4))
    await sweep(svc)
    assert "Hôm nay đến hạn" in (await _owed_to(store, mai))[-1]
    assert "Không đọc được ngày" in await Chat(svc, mai.id).text(f"/nhaclai #{task} mai kia")


async def test_extension_granted_and_refused(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    svc = _svc(store, clock)
    mai, tam = roster["Huỳnh Ngọc Mai"], roster["Võ Thanh Tâm"]
    task = await _task(store, clock, mai.unit_id, deadline=DEADLINE)
    assert "cần nêu lý do" in await Chat(svc, mai.id).text(f"/giahan #{task} 30/12/2026")
    answer, ask = await Chat(svc, mai.id).say(f"/giahan #{task} 30/12/2026 chờ kinh phí")
    assert "Đã gửi đề nghị gia hạn" in answer.text and "Võ Thanh Tâm" in answer.text
    assert ask.to is not None and ask.to.official_id == tam.id and "chờ kinh phí" in ask.text
    assert (await store.task(task)).deadline == DEADLINE  # type: ignore[union-attr]
    assert (await _press(svc, mai, ask.buttons[0][1]))[0].startswith("Chỉ trưởng đơn vị")
    done, told = await _press(svc, tam, ask.buttons[0][1])
    assert "Đã đồng ý" in done and "đã đồng ý gia hạn" in told
    assert (await store.task(task)).deadline == date(2026, 12, 30)  # type: ignore[union-attr]
    assert "trả lời từ trước" in (await _press(svc, tam, ask.buttons[1][1]))[0]
    _, ask = await Chat(svc, mai.id).say(f"/giahan #{task} 15/1/2027 thêm thời gian")
    done, told = await _press(svc, tam, ask.buttons[1][1])
    assert "từ chối" in done and "không đồng ý" in told
    assert (await store.task(task)).deadline == date(2026, 12, 30)  # type: ignore[union-attr]


async def test_the_leader_chooses_a_report_period(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    svc = _svc(store, clock)
    mai, hung = roster["Huỳnh Ngọc Mai"], roster["Trần Văn Hùng"]
    task = await _task(store, clock, mai.unit_id, recurrence="periodic-unspecified")
    await sweep(svc)
    [asked] = await _owed_to(store, hung)
    assert "chưa rõ kỳ" in asked and "theo quý" in asked
    assert (await store.next_followup(task))[1] == "2026-Q4"  # type: ignore[index]
    assert "hằng tháng" in (await _press(svc, hung, f"per:{task}:monthly"))[0]
    await sweep(svc)
    assert (await store.next_followup(task))[1] == "2026-12"  # type: ignore[index]
    assert "đã có kỳ" in (await _press(svc, hung, f"per:{task}:yearly"))[0]


async def test_digest_lists_what_needs_attention(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    svc = Services(store=store, tz=TZ, clock=clock, platforms=("console",))
    mai, hung = roster["Huỳnh Ngọc Mai"], roster["Trần Văn Hùng"]
    late = await _task(store, clock, mai.unit_id, deadline=date(2026, 11, 25))
    await store.add_update(
        task_id=late,
        official_id=mai.id,
        text="vướng kinh phí",
        percent=None,
        status=None,
        source=None,
        now=clock(),
    )
    health = next(u.id for u in await store.units() if u.name == "Phòng Y tế")
    await _task(store, clock, health, code="2/KH", deadline=date(2026, 12, 2))
    # Mai's chat refused the bot's latest message (403).
    await store.enqueue([Outgoing("console", str(mai.id), Reply("…"), official_id=mai.id)], clock())
    [row] = await store.claim_outgoing(["console"], clock(), timedelta(seconds=60), 10)
    await store.outgoing_failed(row.id, "Forbidden: bot was blocked by the user", clock())
    clock.set_local(date(2026, 11, 30), hour=7)  # Monday, before the digest hour
    await sweep(svc)
    assert not [t for t in await _owed_to(store, hung) if "Tổng hợp tuần" in t]
    clock.set_local(date(2026, 11, 30), hour=8)
    await sweep(svc)
    [digest] = [t for t in await _owed_to(store, hung) if "Tổng hợp tuần" in t]
    assert "Quá hạn: 1" in digest and "Đến hạn trong tuần: 1" in digest
    assert "Vướng mắc: 1" in digest and "vướng kinh phí" in digest
    assert "Phòng Y tế" in digest.split("chưa có ai nhận tin")[1]
    assert "Huỳnh Ngọc Mai (Phòng Văn hóa" in digest.split("không nhận được tin")[1]
    clock.now += timedelta(hours=2)
    await sweep(svc)  # once a week
    assert len([t for t in await _owed_to(store, hung) if "Tổng hợp tuần" in t]) == 1


async def test_two_sweepers_on_one_database_owe_each_message_once(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "d.db"
    async with Store.open(path) as one, Store.open(path) as two:
        await import_roster(one, load_roster(EXAMPLES / "roster.csv"))
        roster = {o.name: o for o in await one.officials()}
        units = {o.unit_id for o in roster.values()}
        for n, unit in enumerate(sorted(units)):
            await add_directive(
                one, clock(), [NewTask(unit, "lead", f"Việc {n}", DEADLINE)], code=f"{n}/KH"
            )
        clock.set_local(date(2026, 12, 8))
        a, b = _svc(one, clock), _svc(two, clock)
        results = await asyncio.gather(sweep(a), sweep(b), sweep(a), sweep(b))
        rows = await one.owed_messages()
        assert sum(r.owed for r in results) == len(rows) > 0
        states = await one.nudge_states()
        assert len(states) == len(set(states))


async def test_quiet_periods_show_in_the_task_list(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    svc = _svc(store, clock)
    mai = roster["Huỳnh Ngọc Mai"]
    task = await _task(store, clock, mai.unit_id, deadline=DEADLINE)
    chat = Chat(svc, mai.id)
    await chat.say(f"/nhaclai #{task} 3 ngày")
    await chat.say("/tatnhac đến 15/12")
    text = await chat.text("/nhiemvu")
    assert f"⏰ Đã hoãn nhắc #{task} đến 08:00 ngày 26/11/2026" in text
    assert "🔕 Nghỉ phép: tắt mọi tin nhắc đến hết ngày 15/12/2026" in text


async def test_coordinating_units_are_reminded_gently_and_never_escalated(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    svc = _svc(store, clock)
    mai, hung = roster["Huỳnh Ngọc Mai"], roster["Trần Văn Hùng"]
    await add_directive(
        store, clock(), [NewTask(mai.unit_id, "coordinate", "Phối hợp", deadline=DEADLINE)]
    )
    day = date(2026, 12, 5)
    while day < date(2027, 1, 15):
        clock.set_local(day)
        await sweep(svc)
        day += timedelta(days=1)
    kinds = [k for _, o, k, _, s in await store.nudge_states() if o == mai.id and s == "sent"]
    assert "overdue" in kinds and not [k for k in kinds if k.startswith("escalate")]
    assert "Nhắc phối hợp" in (await _owed_to(store, mai))[-1]
    assert not await _owed_to(store, hung)
    # Repeats every 6 working days, not 3.
    assert len([k for k in kinds if k.startswith("overdue")]) <= 6
