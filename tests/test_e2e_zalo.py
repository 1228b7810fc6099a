"""The whole loop over Zalo: the real application against a fake Zalo Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import run_bot
from bot.cli import run_cli
from bot.config import Settings
from storage import Store
from tests.conftest import ENGINES, EXAMPLES, Clock
from tests.fakezalo import FakeZalo

MAI = "7400000000000012"  # Huỳnh Ngọc Mai, Phòng Văn hóa, Khoa học và Thông tin
TRI = "7400000000000002"  # Nguyễn Minh Trí, leader of the district People's Committee
STRANGER = "7499999999999999"
PLAN = EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt"


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test here runs on SQLite and on PostgreSQL."""
    return str(request.param)


@dataclass
class Running:
    """A running bot and the fake Zalo server it talks to."""

    fake: FakeZalo
    settings: Settings

    async def ask(self, user: str, text: str) -> str:
        """Send a message as `user` and return the bot's next message to them."""
        before = len(self.fake.messages_to(user))
        self.fake.add_text(user, text)
        sent = await self.fake.wait_for_messages(user, before + 1)
        return sent[before].text

    async def task_ids(self) -> dict[str, int]:
        """Task ids by the first words of their text."""
        async with Store.open(self.settings.db) as store:
            units = [u.id for u in await store.units()]
            return {t.title[:30]: t.id for t in await store.tasks_of_units(units)}


@pytest.fixture
async def running(database: Path | str) -> AsyncIterator[Running]:
    async with FakeZalo(max_poll=0.2) as fake:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            zalo_token=fake.token,  # type: ignore[arg-type]
            zalo_api_url=fake.url,
            db=database,
            sweep_seconds=1,
            poll_seconds=1,
        )
        bot = Running(fake, settings)
        assert await run_cli(["org", "import", str(EXAMPLES / "roster.csv")], settings) == 0
        assert await run_cli(["directive", "import", str(PLAN), "--yes"], settings) == 0
        stop = asyncio.Event()
        clock = Clock(datetime(2026, 11, 20, 2, tzinfo=UTC))
        task = asyncio.create_task(run_bot(settings, stop, clock))
        await fake.wait_for_call("getUpdates")
        try:
            yield bot
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)


async def test_an_official_works_in_zalo(running: Running) -> None:
    assert "Huỳnh Ngọc Mai" in await running.ask(MAI, "/start")
    listing = await running.ask(MAI, "/nhiemvu")
    assert "<b>" not in listing and "&amp;" not in listing  # plain text, not HTML
    ids = await running.task_ids()
    mine = next(v for k, v in ids.items() if k.startswith("Chủ trì, phối hợp các cơ quan"))
    assert f"#{mine}" in listing
    saved = await running.ask(MAI, f"{mine} đã xong dự thảo, đạt 60%")  # a keyword reply
    assert "Đã ghi báo cáo tiến độ" in saved and "60%" in saved
    await running.ask(MAI, f"/nhiemvu #{mine}")
    follow = await running.ask(MAI, "đã gửi xin ý kiến các phòng")  # answers that task message
    assert "Đã ghi báo cáo tiến độ" in follow
    done = await running.ask(MAI, f"xong {mine}")
    assert "hoàn thành" in done.lower()
    async with Store.open(running.settings.db) as store:
        assert await store.update_count(mine) == 3


async def test_a_stranger_is_told_their_zalo_id_and_sees_nothing(running: Running) -> None:
    answer = await running.ask(STRANGER, "/nhiemvu")
    assert STRANGER in answer and "#" not in answer.replace(STRANGER, "")


async def test_duplicates_and_echoes_are_handled_once(running: Running) -> None:
    ids = await running.task_ids()
    mine = next(v for k, v in ids.items() if k.startswith("Chủ trì, phối hợp các cơ quan"))
    message_id = running.fake.add_text(MAI, f"/capnhat #{mine} đạt 30%")
    running.fake.duplicate(message_id)  # Zalo delivers the same message again
    running.fake.add_echo(MAI, "tin của chính bot")
    await running.fake.wait_for_messages(MAI, 1)
    await asyncio.sleep(0.5)
    assert len(running.fake.messages_to(MAI)) == 1
    async with Store.open(running.settings.db) as store:
        assert await store.update_count(mine) == 1


async def test_a_preview_offers_numbered_choices_within_the_limit(running: Running) -> None:
    # A leader's long answer is split below Zalo's 2,000 characters, never mid-choice.
    answer = await running.ask(TRI, "/tonghop")
    assert answer
    assert all(len(m.text) <= 2000 for m in running.fake.messages_to(TRI))


async def test_a_spent_quota_delays_the_answer_but_does_not_lose_it(running: Running) -> None:
    running.fake.quota = 0
    running.fake.add_text(MAI, "/start")
    await running.fake.wait_for_call("sendMessage")
    assert running.fake.messages_to(MAI) == []
    async with Store.open(running.settings.db) as store:
        assert await store.owed_count(["zalo"]) == 1  # kept, to be sent when Zalo allows


async def test_a_zalo_user_signs_up_by_sending_their_invite_code(running: Running) -> None:
    from bot.invites import make_invite

    async with Store.open(running.settings.db) as store:
        phuc = next(o for o in await store.officials() if o.name == "Lý Văn Phúc")
        invite = await make_invite(store, phuc, datetime.now(UTC), 7, None)
    newcomer = "7411111111111111"
    assert "Đã liên kết" in await running.ask(newcomer, invite.code.lower())
    assert "Lý Văn Phúc" in await running.ask(newcomer, "/start")


async def test_a_person_on_both_chooses_the_channel(running: Running) -> None:
    assert "Telegram, Zalo" in await running.ask(MAI, "/kenh")
    assert "Zalo" in await running.ask(MAI, "/kenh zalo")
    async with Store.open(running.settings.db) as store:
        mai = next(o for o in await store.officials() if o.name == "Huỳnh Ngọc Mai")
        [person] = [r for r in await store.recipients(mai.unit_id) if r.official_id == mai.id]
        assert person.addresses[0] == ("zalo", MAI)
    assert "Không có kênh" in await running.ask(TRI, "/kenh viber")


async def test_nudges_go_through_zalo_once(running: Running) -> None:
    # Mai is linked on Telegram and Zalo; only Zalo is configured here, so Zalo it is.
    before = len(running.fake.messages_to(MAI))
    at = "2026-11-23T09:00:00+07:00"  # seven days before her task's deadline
    assert await run_cli(["nudge", "--at", at], running.settings) == 0
    sent = running.fake.messages_to(MAI)[before:]
    assert len(sent) == 1 and "Còn 7 ngày" in sent[0].text
    assert "Trả lời 1 để" in sent[0].text  # the buttons as numbered choices
    assert await run_cli(["nudge", "--at", at], running.settings) == 0
    assert len(running.fake.messages_to(MAI)) == before + 1  # never twice
    # A keyword answer records progress on that task.
    assert "Đã ghi báo cáo" in await running.ask(MAI, "đang lấy ý kiến các phòng, đạt 30%")
