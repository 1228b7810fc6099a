"""The conversation, through the same dispatch every transport uses."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import Official, TaskStatus
from bot.services import Services
from storage import NewTask, Store
from tests.conftest import Chat, Clock, add_directive, link, unit_id


@pytest.fixture
async def tasks(store: Store, clock: Clock, roster: dict[str, Official]) -> dict[str, int]:
    """Three tasks: two for the culture office (one due soon), one for finance."""
    culture = roster["Võ Thanh Tâm"].unit_id
    finance = roster["Lý Văn Phúc"].unit_id
    await add_directive(
        store,
        clock(),
        [
            NewTask(culture, "lead", "Tổng hợp kết quả, báo cáo UBND huyện"),
            NewTask(culture, "lead", "Xây dựng dự thảo Kế hoạch", deadline=date(2026, 11, 30)),
            NewTask(finance, "lead", "Bố trí kinh phí", deadline=date(2026, 12, 20)),
        ],
    )
    found = {t.title: t.id for t in await store.tasks_of_units([culture, finance])}
    return {
        "report": found["Tổng hợp kết quả, báo cáo UBND huyện"],
        "draft": found["Xây dựng dự thảo Kế hoạch"],
        "budget": found["Bố trí kinh phí"],
    }


async def test_start_greets_by_name_and_unit(
    svc: Services, roster: dict[str, Official], tasks: dict[str, int]
) -> None:
    text = await Chat(svc, roster["Võ Thanh Tâm"].id).text("/start")
    assert "Võ Thanh Tâm" in text
    assert "Phòng Văn hóa, Khoa học và Thông tin" in text
    assert "<b>2</b> nhiệm vụ" in text


async def test_unregistered_user_sees_no_task_data(
    svc: Services, roster: dict[str, Official], tasks: dict[str, int]
) -> None:
    stranger = Chat(svc, 987654)
    for command in (
        "/start",
        "/nhiemvu",
        f"/capnhat #{tasks['draft']} đạt 50%",
        "/tonghop",
        "xin chào",
    ):
        text = await stranger.text(command)
        assert "chưa có trong danh sách" in text
        assert "987654" in text
        assert "dự thảo" not in text.lower()
    assert await svc.store.update_count(tasks["draft"]) == 0


async def test_tasks_are_listed_most_urgent_first(
    svc: Services, roster: dict[str, Official], tasks: dict[str, int]
) -> None:
    text = await Chat(svc, roster["Huỳnh Ngọc Mai"].id).text("/tasks")
    assert text.index(f"#{tasks['draft']}") < text.index(f"#{tasks['report']}")
    assert "30/11/2026" in text
    assert "chủ trì" in text
    assert f"#{tasks['budget']}" not in text  # another unit's task


async def test_update_records_note_and_percent(
    svc: Services, roster: dict[str, Official], tasks: dict[str, int]
) -> None:
    chat = Chat(svc, roster["Huỳnh Ngọc Mai"].id)
    text = await chat.text(f"/capnhat #{tasks['draft']} đã xong dự thảo, đạt 60%")
    assert "Đã ghi" in text and "(60%)" in text
    task = await svc.store.task(tasks["draft"])
    assert task is not None
    assert (task.last_note, task.last_percent) == ("đã xong dự thảo, đạt 60%", 60)
    listing = await chat.text("/nhiemvu")
    assert "60% · đã xong dự thảo" in listing


async def test_reply_to_a_task_message_records_a_note(
    svc: Services, roster: dict[str, Official], tasks: dict[str, int]
) -> None:
    chat = Chat(svc, roster["Huỳnh Ngọc Mai"].id)
    [card] = await chat.say(f"/nhiemvu #{tasks['draft']}")
    assert card.task_id == tasks["draft"]
    await link(svc.store, chat.user, 500, task_id=tasks["draft"])
    text = await chat.text("vướng kinh phí, đạt 30%", reply_to=500)
    assert "#" + str(tasks["draft"]) in text
    task = await svc.store.task(tasks["draft"])
    assert task is not None and task.last_note == "vướng kinh phí, đạt 30%"
    assert "không gắn với nhiệm vụ" in await chat.text("thêm ghi chú", reply_to=501)


async def test_done_marks_the_task_once(
    svc: Services, roster: dict[str, Official], tasks: dict[str, int]
) -> None:
    chat = Chat(svc, roster["Lý Văn Phúc"].id)
    assert "hoàn thành" in await chat.text(f"/xong #{tasks['budget']}")
    task = await svc.store.task(tasks["budget"])
    assert task is not None and task.status is TaskStatus.DONE and task.last_percent == 100
    assert "đã hoàn thành từ trước" in await chat.text(f"/done #{tasks['budget']}")
    assert await svc.store.update_count(tasks["budget"]) == 1


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("/capnhat đạt 40%", "Thiếu mã nhiệm vụ"),
        ("/capnhat #99999 đạt 40%", "Không có nhiệm vụ #99999"),
        ("/capnhat #{budget} đạt 40%", "Không có nhiệm vụ"),
        ("/capnhat #{draft}", "đang trống"),
        ("/capnhat #{draft} " + "x" * 5000, "quá giới hạn 4096 ký tự"),
        ("/xong", "Thiếu mã nhiệm vụ"),
        ("/xoa #{draft}", "Không có lệnh này"),
        ("chào bot", "hãy trả lời (Reply)"),
        ("/tonghop Phòng Nội vụ", "không thuộc phạm vi"),
        ("/han #{draft} 30/12/2026", "Chỉ trưởng đơn vị"),
    ],
)
async def test_bad_input_is_explained_and_changes_nothing(
    svc: Services, roster: dict[str, Official], tasks: dict[str, int], message: str, expected: str
) -> None:
    before = {k: await svc.store.task(v) for k, v in tasks.items()}
    text = await Chat(svc, roster["Huỳnh Ngọc Mai"].id).text(message.format(**tasks))
    assert expected in text
    assert "Traceback" not in text
    assert {k: await svc.store.task(v) for k, v in tasks.items()} == before


@pytest.mark.parametrize("content", ["sticker", "document", "photo"])
async def test_non_text_messages_are_refused(
    svc: Services, roster: dict[str, Official], content: str
) -> None:
    text = await Chat(svc, roster["Huỳnh Ngọc Mai"].id).text("", content=content)
    assert "chỉ đọc tin nhắn chữ" in text


@pytest.mark.parametrize(
    "command", ["/nhiemvu #{id}", "/capnhat #{id} đạt 40%", "/xong #{id}", "/han #{id} 30/12/2026"]
)
async def test_another_units_task_is_answered_like_a_missing_one(
    svc: Services, roster: dict[str, Official], tasks: dict[str, int], command: str
) -> None:
    head = Chat(svc, roster["Võ Thanh Tâm"].id)
    theirs = await head.text(command.format(id=tasks["budget"]))
    missing = await head.text(command.format(id=99999))
    assert theirs.replace(str(tasks["budget"]), "N") == missing.replace("99999", "N")


async def test_head_sets_a_deadline_but_not_in_the_past(
    svc: Services, roster: dict[str, Official], tasks: dict[str, int]
) -> None:
    head = Chat(svc, roster["Võ Thanh Tâm"].id)
    assert "đã qua" in await head.text(f"/han #{tasks['report']} 1/11/2026")
    assert "Không đọc được ngày" in await head.text(f"/han #{tasks['report']} 31/02/2027")
    assert "Không có nhiệm vụ" in await head.text(f"/han #{tasks['budget']} 30/12/2026")
    unchanged = await svc.store.task(tasks["report"])
    assert unchanged is not None and unchanged.deadline is None
    assert "15/12/2026" in await head.text(f"/han #{tasks['report']} 15/12/2026")
    task = await svc.store.task(tasks["report"])
    assert task is not None and task.deadline == date(2026, 12, 15)


async def test_leader_summary_counts_and_notes(
    svc: Services, store: Store, clock: Clock, roster: dict[str, Official], tasks: dict[str, int]
) -> None:
    await Chat(svc, roster["Huỳnh Ngọc Mai"].id).say(f"/capnhat #{tasks['draft']} đạt 40%")
    await Chat(svc, roster["Lý Văn Phúc"].id).say(f"/xong #{tasks['budget']}")
    clock.set_local(date(2026, 12, 1))  # the draft is now overdue
    text = await Chat(svc, roster["Nguyễn Minh Trí"].id).text("/tonghop")
    assert "412/KH-UBND" in text
    assert (
        "Tổng 3 nhiệm vụ: ✅ xong đúng hạn 1 · ☑️ xong trễ hạn 0 · 🔄 đang thực hiện 0"
        " · ⛔ quá hạn 1 · ⚪ chưa báo cáo kỳ này 1" in text
    )
    assert "Phòng Văn hóa, Khoa học và Thông tin" in text
    assert "↳ 40% · “đạt 40%” (23/11/2026)" in text


async def test_leader_summary_covers_only_their_subtree(
    svc: Services, store: Store, roster: dict[str, Official], tasks: dict[str, int]
) -> None:
    party = await unit_id(store, "Ban Tuyên giáo Huyện ủy")
    assert party not in await store.subtree(roster["Nguyễn Minh Trí"].unit_id)
    text = await Chat(svc, roster["Nguyễn Minh Trí"].id).text("/summary")
    assert "Ban Tuyên giáo" not in text


async def test_user_text_is_escaped(
    svc: Services, roster: dict[str, Official], tasks: dict[str, int]
) -> None:
    text = await Chat(svc, roster["Huỳnh Ngọc Mai"].id).text(
        f"/capnhat #{tasks['draft']} <b>xong</b> & đạt 10%"
    )
    assert "&lt;b&gt;xong&lt;/b&gt; &amp;" in text


async def test_help_shows_a_deadline_example_the_bot_accepts(
    svc: Services, roster: dict[str, Official], tasks: dict[str, int]
) -> None:
    import re

    head = Chat(svc, roster["Võ Thanh Tâm"].id)
    shown = re.search(r"/han #12 (\d\d/\d\d/\d{4})", await head.text("/trogiup"))
    assert shown is not None
    assert "Đã đặt hạn" in await head.text(f"/han #{tasks['report']} {shown[1]}")
