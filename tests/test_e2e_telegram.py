"""The whole loop over real HTTP: the real application against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.app import run_bot
from bot.cli import run_cli
from bot.config import Settings
from bot.domain import TaskStatus
from storage import Store
from tests.conftest import EXAMPLES, Clock
from tests.fakebotapi import FakeBotApi

MAI = 100012  # Huỳnh Ngọc Mai, Phòng Văn hóa, Khoa học và Thông tin
TAM = 100011  # Võ Thanh Tâm, head of the same unit
PHUC = 100021  # Lý Văn Phúc, Phòng Tài chính - Kế hoạch
TRI = 100002  # Nguyễn Minh Trí, leader of the district People's Committee
STRANGER = 555
ADMIN = 100003  # Đỗ Thị Hạnh, whose chat gets error notices
PLAN = EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt"


@dataclass
class Running:
    """A running bot and the fake server it talks to."""

    fake: FakeBotApi
    settings: Settings
    clock: Clock

    async def ask(self, user: int, text: str, *, reply_to: int | None = None) -> str:
        """Send a message as `user` and return the bot's one answer (as the user sees it)."""
        before = len(self.fake.messages_to(user))
        self.fake.add_text(user, text, reply_to=reply_to)
        sent = await self.fake.wait_for_messages(user, before + 1)
        return sent[before].plain_text

    async def cli(self, *argv: str) -> int:
        """Run a `dondoc` command against the same database and Bot API."""
        return await run_cli(list(argv), self.settings)

    async def task_ids(self) -> dict[str, int]:
        """Task ids by the first words of their text."""
        async with Store.open(self.settings.db) as store:
            units = [u.id for u in await store.units()]
            return {t.title[:30]: t.id for t in await store.tasks_of_units(units)}


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    async with FakeBotApi() as fake:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_token="123456:TEST",  # type: ignore[arg-type]
            telegram_api_url=fake.url,
            db=tmp_path / "dondoc.db",
            sweep_seconds=1,
            admin_chat_id=ADMIN,
        )
        # Before any nudge of the sample plan is due, so the start-up sweep sends nothing.
        clock = Clock(datetime(2026, 11, 20, 2, tzinfo=UTC))
        bot = Running(fake, settings, clock)
        assert await bot.cli("org", "import", str(EXAMPLES / "roster.csv")) == 0
        assert await bot.cli("directive", "import", str(PLAN), "--yes") == 0
        stop = asyncio.Event()
        task = asyncio.create_task(run_bot(settings, stop, clock))
        await fake.wait_for_call("getUpdates")
        try:
            yield bot
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)


async def test_bot_publishes_vietnamese_command_menu(running: Running) -> None:
    calls = await running.fake.wait_for_call("setMyCommands", 2)
    default = next(c for c in calls if "language_code" not in c)
    names = [c["command"] for c in default["commands"]]
    assert names[:2] == ["start", "trogiup"]
    assert {"nhiemvu", "capnhat", "xong", "tonghop"} <= set(names)
    english = next(c for c in calls if c.get("language_code") == "en")
    assert {"tasks", "update", "done", "summary", "help"} <= {
        c["command"] for c in english["commands"]
    }


async def test_the_whole_loop(running: Running) -> None:
    ids = await running.task_ids()
    draft = next(v for k, v in ids.items() if k.startswith("Chủ trì, phối hợp các cơ quan"))

    greeting = await running.ask(MAI, "/start")
    assert "Huỳnh Ngọc Mai" in greeting and "Phòng Văn hóa, Khoa học và Thông tin" in greeting

    listing = await running.ask(MAI, "/nhiemvu")
    assert f"#{draft}" in listing and "30/11/2026" in listing and "412/KH-UBND" in listing

    saved = await running.ask(MAI, f"/capnhat #{draft} đã xong dự thảo, đạt 40%")
    assert "Đã ghi" in saved and "40%" in saved

    # Nudges: as if at 09:00 on 23/11, seven days before 30/11; the same sweep twice sends once.
    before = len(running.fake.messages_to(MAI))
    assert await running.cli("nudge", "--at", "2026-11-23T09:00:00+07:00") == 0
    assert await running.cli("nudge", "--at", "2026-11-23T09:05:00+07:00") == 0
    nudges = running.fake.messages_to(MAI)[before:]
    assert len(nudges) == 1
    assert "Còn 7 ngày đến hạn" in nudges[0].plain_text and f"#{draft}" in nudges[0].plain_text
    assert len([m for m in running.fake.messages_to(TAM) if "đến hạn" in m.plain_text]) >= 1

    noted = await running.ask(MAI, "vướng kinh phí in ấn", reply_to=nudges[0].message_id)
    assert f"#{draft}" in noted
    finished = await running.ask(MAI, f"/xong #{draft}")
    assert "hoàn thành" in finished

    async with Store.open(running.settings.db) as store:
        task = await store.task(draft)
        assert task is not None
        assert task.status is TaskStatus.DONE
        assert await store.update_count(draft) == 3

    summary = await running.ask(TRI, "/tonghop")
    assert "412/KH-UBND" in summary
    assert "✅ xong đúng hạn 1" in summary
    assert "Đơn vị chưa báo cáo kỳ này" in summary


async def test_unregistered_user_is_told_whom_to_ask(running: Running) -> None:
    for text in ("/start", "/nhiemvu", "/tonghop"):
        answer = await running.ask(STRANGER, text)
        assert "chưa có trong danh sách" in answer and str(STRANGER) in answer
        assert "#" not in answer


async def test_bad_input_gets_a_vietnamese_answer_and_changes_nothing(running: Running) -> None:
    ids = await running.task_ids()
    mine = next(v for k, v in ids.items() if k.startswith("Chủ trì, phối hợp các cơ quan"))
    theirs = next(v for k, v in ids.items() if k.startswith("Chủ trì, phối hợp Phòng Văn"))
    fake = running.fake
    checks = [
        ("/khongco", "Không có lệnh này"),
        ("/capnhat", "Thiếu mã nhiệm vụ"),
        ("/capnhat #424242 đạt 10%", "Không có nhiệm vụ #424242"),
        (f"/capnhat #{theirs} đạt 10%", "không thuộc đơn vị"),
        (f"/capnhat #{mine}", "đang trống"),
        (f"/capnhat #{mine} " + "rất dài " * 700, "quá giới hạn"),
        ("chào bot", "trả lời (Reply)"),
        ("/tonghop Phòng Nội vụ", "không thuộc phạm vi"),
    ]
    for text, expected in checks:
        assert expected in await running.ask(MAI, text), text

    before = len(fake.messages_to(MAI))
    fake.add_sticker(MAI)
    fake.add_document(MAI, "baocao.pdf", b"%PDF-1.4")
    sent = await fake.wait_for_messages(MAI, before + 2)
    assert "chỉ đọc tin nhắn chữ" in sent[before].plain_text
    assert "Chỉ lãnh đạo hoặc quản trị viên mới gửi văn bản" in sent[before + 1].plain_text
    assert not fake.calls_to("getFile")  # a member's file is never even downloaded

    async with Store.open(running.settings.db) as store:
        assert await store.update_count(mine) == 0
        assert await store.update_count(theirs) == 0
    assert not fake.errors


async def test_failed_telegram_calls_are_retried(running: Running) -> None:
    running.fake.fail_next("sendMessage", 429, retry_after=1)
    assert "Xin chào" in await running.ask(PHUC, "/start")
    running.fake.fail_next("sendMessage", 500)
    assert "Xin chào" in await running.ask(PHUC, "/start")
    assert len(running.fake.messages_to(PHUC)) == 2


async def test_blocked_user_does_not_stop_the_nudges_of_others(running: Running) -> None:
    running.fake.block_user(TAM)
    assert await running.cli("nudge", "--at", "2026-11-23T09:00:00+07:00") == 1  # one failed
    got = [m for m in running.fake.messages_to(MAI) if "đến hạn" in m.plain_text]
    assert len(got) == 1
    running.fake.unblock_user(TAM)
    assert await running.cli("nudge", "--at", "2026-11-23T09:30:00+07:00") == 0
    assert len([m for m in running.fake.messages_to(TAM) if "đến hạn" in m.plain_text]) == 1
    assert len([m for m in running.fake.messages_to(MAI) if "đến hạn" in m.plain_text]) == 1


async def test_leader_imports_a_file_in_chat(running: Running) -> None:
    fake = running.fake
    program = (EXAMPLES / "directives" / "huyen-uy-my-xuyen-69-ctr-hu.txt").read_bytes()
    fake.add_document(TRI, "69-CTr-HU.txt", program)
    [preview] = await fake.wait_for_messages(TRI, 1)
    assert "69-CTr/HU" in preview.plain_text and "⚠️ chưa có hạn" in preview.plain_text
    buttons = preview.reply_markup["inline_keyboard"][0] if preview.reply_markup else []
    assert [b["text"] for b in buttons] == ["✅ Xác nhận", "❌ Hủy"]

    fake.add_text(TRI, "#2 hạn 31/12/2026", reply_to=preview.message_id)
    corrected = (await fake.wait_for_messages(TRI, 2))[1]
    assert "hạn 31/12/2026" in corrected.plain_text

    before = len(fake.messages_to(100101))
    fake.add_callback(TRI, buttons[0]["callback_data"], corrected.message_id)
    done = (await fake.wait_for_messages(TRI, 3))[2]
    assert "Đã lưu 1 văn bản mới" in done.plain_text
    told = (await fake.wait_for_messages(100101, before + 1))[before]  # Ban Tuyên giáo's head
    assert "Nhiệm vụ mới cho Ban Tuyên giáo Huyện ủy" in told.plain_text
    assert "31/12/2026" in told.plain_text
    assert await fake.wait_for_call("answerCallbackQuery")
    async with Store.open(running.settings.db) as store:
        codes = {d.code for d in await store.directives()}
        assert "69-CTr/HU" in codes
        plan = next(d.id for d in await store.directives() if d.code == "412/KH-UBND")
        program_id = next(d.id for d in await store.directives() if d.code == "69-CTr/HU")
        assert await store.parent_ids(plan) == [program_id]  # the parent arrived later


async def test_the_running_bot_sweeps_on_its_own(running: Running) -> None:
    before = len(running.fake.messages_to(MAI))
    running.clock.set_local(date(2026, 11, 23))  # seven days before the draft's deadline
    sent = await running.fake.wait_for_messages(MAI, before + 1)
    assert "Còn 7 ngày đến hạn" in sent[before].plain_text
    # The command-line sweep at the same moment finds the nudge already sent.
    assert await running.cli("nudge", "--at", "2026-11-23T09:00:00+07:00") == 0
    assert len([m for m in running.fake.messages_to(MAI) if "đến hạn" in m.plain_text]) == 1


async def test_a_failure_is_explained_to_the_user_and_reported_to_the_admin(
    running: Running,
) -> None:
    running.fake.fail_next("getFile", 500)  # the file cannot be fetched
    running.fake.add_document(TRI, "kh.txt", PLAN.read_bytes())
    [apology] = await running.fake.wait_for_messages(TRI, 1)
    assert "dondoc gặp lỗi khi xử lý yêu cầu này" in apology.plain_text
    [notice] = await running.fake.wait_for_messages(ADMIN, 1)
    assert "dondoc gặp lỗi" in notice.plain_text and str(TRI) in notice.plain_text
    assert "Traceback" not in apology.plain_text + notice.plain_text
    assert "Xin chào" in await running.ask(TRI, "/start")  # and the bot keeps going


async def test_a_refused_reply_does_not_claim_nothing_was_recorded(running: Running) -> None:
    ids = await running.task_ids()
    mine = next(v for k, v in ids.items() if k.startswith("Chủ trì, phối hợp các cơ quan"))
    running.fake.fail_next("sendMessage", 400, description="Bad Request: can't parse entities")
    running.fake.add_text(MAI, f"/capnhat #{mine} đạt 20%")
    assert "Xin chào" in await running.ask(MAI, "/start")
    assert all("Chưa có gì được ghi" not in m.plain_text for m in running.fake.messages_to(MAI))
    async with Store.open(running.settings.db) as store:
        assert await store.update_count(mine) == 1
