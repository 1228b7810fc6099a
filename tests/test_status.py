"""Status that adds up: what a note says, done and reopened, blockers, evidence, duplicates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.domain import Official, Progress, TaskStatus
from bot.progress import read_note
from bot.reports.figures import window
from bot.reports.period import current_period
from bot.reports.scope import Scope
from bot.services import Services
from bot.transports import Attachment, Request
from handlers import dispatch
from storage import NewTask, Store
from tests.conftest import Chat, Clock, add_directive, link


@pytest.mark.parametrize(
    ("note", "percent", "blocked", "finished"),
    [
        ("đạt 60%, còn 40%", 60, False, False),
        ("đã làm được 60 phần trăm", 60, False, False),
        ("còn 30% nữa", None, False, False),
        ("vướng kinh phí, đề xuất bổ sung", None, True, False),
        ("Đã hoàn thành", None, False, True),
        ("chưa hoàn thành, đạt 90%", 90, False, False),
        ("hoàn thành 100%", 100, False, True),
    ],
)
def test_a_note_is_read_as_an_official_means_it(
    note: str, percent: int | None, blocked: bool, finished: bool
) -> None:
    reading = read_note(note)
    assert (reading.percent, reading.blocked, reading.finished) == (percent, blocked, finished)


@pytest.fixture
async def task(store: Store, clock: Clock, roster: dict[str, Official]) -> int:
    culture = roster["Võ Thanh Tâm"].unit_id
    await add_directive(
        store, clock(), [NewTask(culture, "lead", "Xây dựng dự thảo", deadline=date(2026, 12, 30))]
    )
    [found] = await store.tasks_of_units([culture])
    return found.id


async def test_150_percent_is_questioned_and_not_stored(
    svc: Services, roster: dict[str, Official], task: int
) -> None:
    text = await Chat(svc, roster["Huỳnh Ngọc Mai"].id).text(f"/capnhat #{task} đạt 150%")
    assert "vượt quá 100%" in text
    assert await svc.store.update_count(task) == 0


async def test_a_finished_note_proposes_done_and_a_blocker_shows(
    svc: Services, roster: dict[str, Official], task: int
) -> None:
    mai = Chat(svc, roster["Huỳnh Ngọc Mai"].id)
    [saved] = await mai.say(f"/capnhat #{task} vướng kinh phí")
    assert "vướng mắc" in saved.text
    found = await svc.store.task(task)
    assert found is not None and found.progress(svc.today()) is Progress.BLOCKED
    [saved] = await mai.say(f"/capnhat #{task} đã hoàn thành 100%")
    assert [data for _, data in saved.buttons] == [f"t:done:{task}"]
    found = await svc.store.task(task)
    assert found is not None and found.status is TaskStatus.OPEN  # only proposed


async def test_a_members_done_tells_the_head_and_a_note_after_done_offers_reopen(
    svc: Services, roster: dict[str, Official], task: int
) -> None:
    mai = Chat(svc, roster["Huỳnh Ngọc Mai"].id)
    saved, told = await mai.say(f"/xong #{task}")
    assert "hoàn thành" in saved.text
    assert told.to is not None and told.to.name == "Võ Thanh Tâm"
    assert [data for _, data in told.buttons] == [f"t:reopen:{task}"]
    [after] = await mai.say(f"/capnhat #{task} bổ sung số liệu")
    assert [data for _, data in after.buttons] == [f"t:reopen:{task}"]
    assert "Mở lại" in after.text
    [reopened] = await Chat(svc, roster["Võ Thanh Tâm"].id).say(f"/molai #{task} thiếu phụ lục")
    assert "mở lại" in reopened.text
    found = await svc.store.task(task)
    assert found is not None and found.status is TaskStatus.OPEN


async def test_the_same_note_twice_within_minutes_is_stored_once(
    svc: Services, clock: Clock, roster: dict[str, Official], task: int
) -> None:
    mai = Chat(svc, roster["Huỳnh Ngọc Mai"].id)
    await mai.say(f"/capnhat #{task} đã gửi dự thảo")
    [again] = await mai.say(f"/capnhat #{task} đã gửi dự thảo")
    assert "đã được ghi trước đó" in again.text
    clock.now += timedelta(hours=1)
    await mai.say(f"/capnhat #{task} đã gửi dự thảo")
    assert await svc.store.update_count(task) == 2


async def test_a_photo_in_reply_to_a_task_is_kept_as_evidence(
    svc: Services, roster: dict[str, Official], task: int
) -> None:
    mai = roster["Huỳnh Ngọc Mai"]
    await link(svc.store, str(mai.id), 70, task_id=task)
    photo = Request(
        "console",
        str(mai.id),
        str(mai.id),
        "ảnh hội nghị",
        "m-1",
        reply_to_message_id="70",
        content="photo",
        attachment=Attachment.of("hoi-nghi.jpg", b"\xff\xd8" + b"x" * 3000),
    )
    kept, note = await dispatch(svc, photo)
    assert "minh chứng" in kept.text and "hoi-nghi.jpg" in kept.text
    assert "Đã ghi báo cáo" in note.text  # the caption is a note too
    [evidence] = await svc.store.evidence_of(task)
    assert (evidence.file_name, evidence.kind, evidence.author) == (
        "hoi-nghi.jpg",
        "photo",
        mai.name,
    )
    stranger = roster["Lý Văn Phúc"]  # another unit cannot attach to this task
    other = Request(
        "console",
        str(stranger.id),
        str(stranger.id),
        f"/capnhat #{task} ảnh",
        "m-2",
        content="photo",
        attachment=Attachment.of("x.jpg", b"x"),
    )
    [refused] = await dispatch(svc, other)
    assert "Không có nhiệm vụ" in refused.text
    assert len(await svc.store.evidence_of(task)) == 1


async def test_the_language_follows_the_app_until_one_is_chosen(
    svc: Services, roster: dict[str, Official]
) -> None:
    mai = roster["Huỳnh Ngọc Mai"]

    async def ask(text: str, language: str | None) -> str:
        request = Request("console", str(mai.id), str(mai.id), text, text, language=language)
        return (await dispatch(svc, request))[0].text

    assert "Hello" in await ask("/start", "en-GB")
    assert "Xin chào" in await ask("/start", None)
    assert "English" in await ask("/ngonngu en", "vi")
    assert "Hello" in await ask("/start", "vi")  # chosen beats the app's language
    assert "Không có lệnh" not in await ask("/language vi", "vi")
    assert "Xin chào" in await ask("/start", "en")


async def test_heads_see_who_cannot_be_reached_and_members_cannot(
    svc: Services, roster: dict[str, Official]
) -> None:
    head = await Chat(svc, roster["Võ Thanh Tâm"].id).text("/chuakichhoat")
    assert "Phòng Văn hóa" in head or "tất cả" in head
    member = await Chat(svc, roster["Huỳnh Ngọc Mai"].id).text("/chuakichhoat")
    assert "Chỉ trưởng đơn vị" in member


async def test_more_time_and_later_buttons_lead_to_their_requests(
    svc: Services, roster: dict[str, Official], task: int
) -> None:
    mai = roster["Huỳnh Ngọc Mai"]
    press = Request("console", str(mai.id), str(mai.id), callback=f"t:ext:{task}", callback_id="c1")
    [asked] = await dispatch(svc, press)
    assert asked.force_reply and asked.expects == "extend" and asked.task_id == task
    await link(svc.store, str(mai.id), 81, task_id=task, expects="extend")
    answer = Request(
        "console", str(mai.id), str(mai.id), "30/6/2027 chờ bố trí kinh phí", "m-9",
        reply_to_message_id="81",
    )  # fmt: skip
    sent, *asks = await dispatch(svc, answer)
    assert "Võ Thanh Tâm" in sent.text  # the head decides
    assert [a.to.name for a in asks if a.to] == ["Võ Thanh Tâm"]
    assert await svc.store.update_count(task) == 0  # a request, not a progress note
    later = Request("console", str(mai.id), str(mai.id), callback=f"t:snz:{task}", callback_id="c2")
    [choices] = await dispatch(svc, later)
    assert [data for _, data in choices.buttons] == [f"snz:{task}:1", f"snz:{task}:3"]


async def test_a_reply_to_an_unlinked_message_about_one_task_is_its_note(
    svc: Services, roster: dict[str, Official], task: int
) -> None:
    mai = roster["Huỳnh Ngọc Mai"]
    note = Request(
        "console", str(mai.id), str(mai.id), "đã gửi dự thảo", "m-5",
        reply_to_message_id="999", reply_to_text=f"🔔 Còn 3 ngày đến hạn\n#{task} · 412/KH-UBND",
    )  # fmt: skip
    [saved] = await dispatch(svc, note)
    assert "Đã ghi báo cáo" in saved.text
    assert await svc.store.update_count(task) == 1


async def test_when_the_head_must_confirm_a_members_done_waits_for_it(
    svc: Services, roster: dict[str, Official], task: int
) -> None:
    strict = replace(svc, done_needs_head=True)
    saved, asked = await Chat(strict, roster["Huỳnh Ngọc Mai"].id).say(f"/xong #{task}")
    assert "trưởng đơn vị xác nhận" in saved.text
    assert asked.to is not None and asked.to.name == "Võ Thanh Tâm"
    assert [data for _, data in asked.buttons] == [f"t:done:{task}"]
    found = await svc.store.task(task)
    assert found is not None and found.status is TaskStatus.OPEN
    head = roster["Võ Thanh Tâm"]
    press = Request(
        "console", str(head.id), str(head.id), callback=f"t:done:{task}", callback_id="c9"
    )
    await dispatch(strict, press)
    found = await svc.store.task(task)
    assert found is not None and found.status is TaskStatus.DONE


async def test_evidence_is_counted_in_the_report_rows(
    svc: Services, roster: dict[str, Official], task: int
) -> None:
    mai = roster["Huỳnh Ngọc Mai"]
    for n in range(2):
        await svc.store.add_evidence(
            task_id=task, official_id=mai.id, file_name=f"{n}.pdf", kind="document",
            data=b"%PDF", source=f"s{n}", now=svc.now(),
        )  # fmt: skip
    scope = Scope("Phòng Văn hóa", frozenset({mai.unit_id}))
    period = current_period(svc.today())
    rows = await svc.store.report_tasks(window(scope, period, svc.now(), svc.tz))
    assert [r.evidence for r in rows if r.id == task] == [2]
