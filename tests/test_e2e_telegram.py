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
from bot.invites import make_invite
from storage import NewTask, Store
from tests.conftest import ENGINES, EXAMPLES, Clock, add_directive
from tests.fakebotapi import FakeBotApi

MAI = 100012  # Huỳnh Ngọc Mai, Phòng Văn hóa, Khoa học và Thông tin
TAM = 100011  # Võ Thanh Tâm, head of the same unit
PHUC = 100021  # Lý Văn Phúc, Phòng Tài chính - Kế hoạch
TRI = 100002  # Nguyễn Minh Trí, leader of the district People's Committee
STRANGER = 555
ADMIN = 100003  # Đỗ Thị Hạnh, whose chat gets error notices
PLAN = EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt"


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test here runs on SQLite and on PostgreSQL."""
    return str(request.param)


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

    async def settled(self) -> None:
        """Wait until the running bot has recorded every message it owes as sent."""
        for _ in range(200):
            async with Store.open(self.settings.db) as store:
                if await store.owed_count(["telegram"]) == 0:
                    return
            await asyncio.sleep(0.02)
        raise AssertionError("the bot still owes messages")

    async def task_ids(self) -> dict[str, int]:
        """Task ids by the first words of their text."""
        async with Store.open(self.settings.db) as store:
            units = [u.id for u in await store.units()]
            return {t.title[:30]: t.id for t in await store.tasks_of_units(units)}


@pytest.fixture
async def running(database: Path | str) -> AsyncIterator[Running]:
    async with FakeBotApi() as fake:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_token="123456:TEST",  # type: ignore[arg-type]
            telegram_api_url=fake.url,
            db=database,
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


async def test_menus_follow_the_role_and_the_language(running: Running) -> None:
    calls = await running.fake.wait_for_call("setMyCommands", 4)
    default = next(c for c in calls if "language_code" not in c and "scope" not in c)
    names = [c["command"] for c in default["commands"]]
    assert names[:2] == ["start", "trogiup"]
    assert {"nhiemvu", "capnhat", "xong"} <= set(names)
    assert "tonghop" not in names and "han" not in names  # members do not see leader commands
    english = next(c for c in calls if c.get("language_code") == "en" and "scope" not in c)
    assert {"tasks", "update", "done", "help"} <= {c["command"] for c in english["commands"]}
    assert all(c["description"].isascii() or "/" in c["description"] for c in english["commands"])

    def scoped(chat: int, language: str | None) -> set[str]:
        for c in calls:
            scope = c.get("scope") or {}
            if scope.get("chat_id") == chat and c.get("language_code") == language:
                return {x["command"] for x in c["commands"]}
        return set()

    assert {"tonghop", "han", "chuakichhoat"} <= scoped(TRI, None)  # a leader
    assert "summary" in scoped(TRI, "en")
    assert "han" in scoped(TAM, None) and "tonghop" not in scoped(TAM, None)  # a head


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

    before = len(running.fake.messages_to(TRI))
    summary = await running.ask(TRI, "/tonghop")
    assert "412/KH-UBND" in summary
    assert "✅ xong đúng hạn 1" in summary
    assert "Đơn vị chưa báo cáo kỳ này" in summary
    # The chart per unit follows as a photo.
    chart = (await running.fake.wait_for_messages(TRI, before + 2))[before + 1]
    assert chart.method == "sendPhoto"
    assert chart.file_data is not None and chart.file_data.startswith(b"\x89PNG")


async def test_a_report_answers_at_once_and_its_files_follow(running: Running) -> None:
    before = len(running.fake.messages_to(TRI))
    answer = await running.ask(TRI, "/baocao")
    assert "Báo cáo kết quả thực hiện" in answer and "Gửi ngay sau tin này" in answer
    docx, xlsx = (await running.fake.wait_for_messages(TRI, before + 3))[before + 1 :]
    assert (docx.method, xlsx.method) == ("sendDocument", "sendDocument")
    assert (docx.file_name or "").endswith(".docx") and (xlsx.file_name or "").endswith(".xlsx")
    assert (docx.file_data or b"").startswith(b"PK") and (xlsx.file_data or b"").startswith(b"PK")
    await running.settled()


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
        (f"/capnhat #{theirs} đạt 10%", "Không có nhiệm vụ"),
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
    assert "trả lời (Reply) tin về nhiệm vụ bằng tệp đó" in sent[before + 1].plain_text
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
    # The refused nudge is not sent again and again; the next one reaches him.
    assert await running.cli("nudge", "--at", "2026-11-23T09:30:00+07:00") == 0
    assert not [m for m in running.fake.messages_to(TAM) if "đến hạn" in m.plain_text]
    assert await running.cli("nudge", "--at", "2026-11-27T09:00:00+07:00") == 0
    assert len([m for m in running.fake.messages_to(TAM) if "đến hạn" in m.plain_text]) == 1
    assert len([m for m in running.fake.messages_to(MAI) if "đến hạn" in m.plain_text]) == 2


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

    # The first preview's buttons are stale now: pressing them does nothing.
    fake.add_callback(TRI, buttons[0]["callback_data"], preview.message_id)
    await fake.wait_for_call("answerCallbackQuery")
    assert "đã cũ" in (fake.calls_to("answerCallbackQuery")[-1].get("text") or "")
    fresh = (corrected.reply_markup or {})["inline_keyboard"][0]
    before = len(fake.messages_to(100101))
    fake.add_callback(TRI, fresh[0]["callback_data"], corrected.message_id)
    done = (await fake.wait_for_messages(TRI, 3))[2]
    assert "Đã lưu 1 văn bản mới" in done.plain_text
    told = (await fake.wait_for_messages(100101, before + 1))[before]  # Ban Tuyên giáo's head
    assert "Nhiệm vụ mới cho Ban Tuyên giáo Huyện ủy" in told.plain_text
    assert "31/12/2026" in told.plain_text
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
    await running.settled()
    # The command-line sweep at the same moment finds the nudge already sent.
    assert await running.cli("nudge", "--at", "2026-11-23T09:00:00+07:00") == 0
    assert len([m for m in running.fake.messages_to(MAI) if "đến hạn" in m.plain_text]) == 1


async def test_a_file_that_cannot_be_downloaded_is_explained(running: Running) -> None:
    running.fake.fail_next("getFile", 500)  # the file cannot be fetched
    running.fake.add_document(TRI, "kh.txt", PLAN.read_bytes())
    [apology] = await running.fake.wait_for_messages(TRI, 1)
    assert "Không tải được tệp “kh.txt”" in apology.plain_text
    assert "Traceback" not in apology.plain_text
    assert "Xin chào" in await running.ask(TRI, "/start")  # and the bot keeps going
    async with Store.open(running.settings.db) as store:
        assert [d.code for d in await store.directives()] == ["412/KH-UBND"]


async def test_a_refused_reply_does_not_claim_nothing_was_recorded(running: Running) -> None:
    ids = await running.task_ids()
    mine = next(v for k, v in ids.items() if k.startswith("Chủ trì, phối hợp các cơ quan"))
    running.fake.fail_next("sendMessage", 400, description="Bad Request: can't parse entities")
    running.fake.add_text(MAI, f"/capnhat #{mine} đạt 20%")
    assert "Xin chào" in await running.ask(MAI, "/start")
    assert all("Chưa có gì được ghi" not in m.plain_text for m in running.fake.messages_to(MAI))
    async with Store.open(running.settings.db) as store:
        assert await store.update_count(mine) == 1


async def test_a_newcomer_signs_up_with_their_phone_or_an_invite(running: Running) -> None:
    newcomer, other = 777001, 777002
    first = await running.ask(newcomer, "/start")
    assert "Gửi số điện thoại" in first
    [asked] = running.fake.messages_to(newcomer)
    assert asked.reply_markup and asked.reply_markup["keyboard"][0][0]["request_contact"]
    # Someone else's card does not count; one's own card with a roster phone links.
    before = len(running.fake.messages_to(newcomer))
    running.fake.add_contact(newcomer, "+84 299 381 021", owner=123)
    refused = (await running.fake.wait_for_messages(newcomer, before + 1))[before]
    assert "chưa có trong danh sách" in refused.plain_text
    before += 1
    running.fake.add_contact(newcomer, "+84 299 381 021")  # Lý Văn Phúc's phone in the roster
    linked = (await running.fake.wait_for_messages(newcomer, before + 1))[before]
    assert "Đã liên kết" in linked.plain_text and "Lý Văn Phúc" in linked.plain_text
    assert "Lý Văn Phúc" in await running.ask(newcomer, "/start")
    # An invite works once, from the deep link's /start CODE.
    async with Store.open(running.settings.db) as store:
        thu = next(o for o in await store.officials() if o.name == "Trương Thị Thu")
        invite = await make_invite(store, thu, running.clock(), 7, None)
    assert "Trương Thị Thu" in await running.ask(other, f"/start {invite.code}")
    assert "không dùng được" in await running.ask(888003, f"/start {invite.code}")


async def test_task_buttons_act_once_for_the_right_person(running: Running) -> None:
    fake = running.fake
    ids = await running.task_ids()
    mine = next(v for k, v in ids.items() if k.startswith("Chủ trì, phối hợp các cơ quan"))
    fake.add_text(MAI, f"/nhiemvu #{mine}")
    [card] = await fake.wait_for_messages(MAI, 1)
    keys = [b for row in (card.reply_markup or {})["inline_keyboard"] for b in row]
    assert [k["text"] for k in keys][:2] == ["✅ Hoàn thành", "📝 Báo cáo tiến độ"]
    data = {k["text"]: k["callback_data"] for k in keys}

    fake.add_callback(MAI, data["📝 Báo cáo tiến độ"], card.message_id)
    asked = (await fake.wait_for_messages(MAI, 2))[1]
    assert asked.reply_markup and asked.reply_markup.get("force_reply")
    fake.add_text(MAI, "đã gửi dự thảo xin ý kiến", reply_to=asked.message_id)
    assert "Đã ghi báo cáo" in (await fake.wait_for_messages(MAI, 3))[2].plain_text

    fake.add_callback(MAI, data["✅ Hoàn thành"], card.message_id)
    done = (await fake.wait_for_messages(MAI, 4))[3]
    assert "hoàn thành" in done.plain_text
    await fake.wait_for_call("editMessageReplyMarkup")
    assert not (fake.get_message(MAI, card.message_id) or {}).get("reply_markup")
    answers = [c.get("text") for c in fake.calls_to("answerCallbackQuery")]
    assert f"Đã báo hoàn thành #{mine}" in answers
    # The same (stale) button again, and a button pressed by someone else: nothing changes.
    fake.add_callback(MAI, data["✅ Hoàn thành"], card.message_id)
    await fake.wait_for_call("answerCallbackQuery", count=3)
    async with Store.open(running.settings.db) as store:
        assert await store.update_count(mine) == 2
        task = await store.task(mine)
        assert task is not None and task.status is TaskStatus.DONE


async def test_a_long_list_is_paged_in_one_message(running: Running) -> None:
    fake = running.fake
    fake.add_text(ADMIN, "/nhiemvu")
    [listing] = await fake.wait_for_messages(ADMIN, 1)
    assert "trang 1/" in listing.plain_text
    keys = [b for row in (listing.reply_markup or {})["inline_keyboard"] for b in row]
    following = next(k["callback_data"] for k in keys if k["text"] == "Sau ▶")
    fake.add_callback(ADMIN, following, listing.message_id)
    await fake.wait_for_call("editMessageText")
    page = fake.get_message(ADMIN, listing.message_id) or {}
    assert "trang 2/" in page.get("text", "")
    sends = [c for c in fake.calls_to("sendMessage") if int(c["chat_id"]) == ADMIN]
    assert len(sends) == 1  # the same message, not a new one


async def test_a_reply_to_a_list_asks_which_task(running: Running) -> None:
    fake = running.fake
    async with Store.open(running.settings.db) as store:
        culture = next(o.unit_id for o in await store.officials() if o.name == "Huỳnh Ngọc Mai")
        await add_directive(store, running.clock(), [NewTask(culture, "lead", "Tổ chức hội thảo")])
    fake.add_text(MAI, "/nhiemvu")
    [listing] = await fake.wait_for_messages(MAI, 1)
    fake.add_text(MAI, "đã xong bước một", reply_to=listing.message_id)
    asked = (await fake.wait_for_messages(MAI, 2))[1]
    assert "nhiệm vụ nào" in asked.plain_text
    pick = (asked.reply_markup or {})["inline_keyboard"][0][0]
    fake.add_callback(MAI, pick["callback_data"], asked.message_id)
    saved = (await fake.wait_for_messages(MAI, 3))[2]
    assert "Đã ghi báo cáo" in saved.plain_text and "đã xong bước một" in saved.plain_text
    fake.add_callback(MAI, pick["callback_data"], asked.message_id)  # pressed twice
    await fake.wait_for_call("answerCallbackQuery", count=2)
    async with Store.open(running.settings.db) as store:
        assert await store.update_count(int(pick["text"].lstrip("#"))) == 1
