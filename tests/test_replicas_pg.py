"""Two replicas on one PostgreSQL: every webhook update handled once, every nudge sent once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiohttp import ClientSession

from bot.app import run_bot
from bot.cli import run_cli
from bot.config import Settings
from storage import Store
from tests.conftest import EXAMPLES, Clock
from tests.fakebotapi import FakeBotApi, JSONDict
from tests.test_e2e_webhook import SECRET, free_port

MAI, TAM = 100012, 100011
PLAN = EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt"


@pytest.fixture
def engine() -> str:
    """Replicas share a server: PostgreSQL only."""
    return "postgres"


async def post(session: ClientSession, port: int, update: JSONDict) -> int:
    async with session.post(
        f"http://127.0.0.1:{port}/telegram",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
    ) as response:
        return response.status


@pytest.fixture
async def replicas(database: str) -> AsyncIterator[tuple[FakeBotApi, list[int], Settings]]:
    async with FakeBotApi() as fake:
        ports = [free_port(), free_port()]
        settings = [
            Settings(
                _env_file=None,  # type: ignore[call-arg]
                telegram_token="123456:TEST",  # type: ignore[arg-type]
                telegram_api_url=fake.url,
                db=database,
                sweep_seconds=1,
                webhook_listen=f"127.0.0.1:{port}",
                webhook_url=f"http://127.0.0.1:{port}",
                webhook_secret=SECRET,  # type: ignore[arg-type]
            )
            for port in ports
        ]
        assert await run_cli(["org", "import", str(EXAMPLES / "roster.csv")], settings[0]) == 0
        assert await run_cli(["directive", "import", str(PLAN), "--yes"], settings[0]) == 0
        # 09:00 on 23/11, seven days before the plan's 30/11: both sweep the same instant.
        clock = Clock(datetime(2026, 11, 23, 2, tzinfo=UTC))
        stop = asyncio.Event()
        bots = [asyncio.create_task(run_bot(s, stop, clock, webhook=True)) for s in settings]
        await fake.wait_for_call("setWebhook", 2)
        try:
            yield fake, ports, settings[0]
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*bots), 15)


async def test_two_replicas_store_each_note_and_send_each_nudge_once(
    replicas: tuple[FakeBotApi, list[int], Settings],
) -> None:
    fake, ports, settings = replicas
    async with Store.open(settings.db) as store:
        mai = next(o for o in await store.officials() if o.name == "Huỳnh Ngọc Mai")
        [task, *_] = await store.tasks_of_units([mai.unit_id])
    updates = [
        fake.text_update(MAI, f"/capnhat #{task.id} bước {n}, đạt {n * 10}%")
        for n in (1, 2, 3, 4, 5)
    ]
    async with ClientSession() as session:
        # Each update reaches both replicas, twice (Telegram retries after a timeout).
        sends = [post(session, port, u) for u in updates for port in ports for _ in range(2)]
        assert set(await asyncio.gather(*sends)) == {200}
    for _ in range(300):
        async with Store.open(settings.db) as store:
            notes = await store.update_count(task.id)
            owed = await store.owed_count(["telegram"])
            nudges = [n for n in await store.nudge_states() if n[4] == "sent"]
        answers = [m for m in fake.messages_to(MAI) if "Đã ghi" in m.plain_text]
        if notes == 5 and owed == 0 and len(answers) >= 5 and nudges:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.5)  # another sweep round on both replicas, at the same instant
    async with Store.open(settings.db) as store:
        assert await store.update_count(task.id) == 5
        assert await store.owed_count(["telegram"]) == 0
        nudges = [n for n in await store.nudge_states() if n[4] == "sent"]
        sent_rows = [r for r in await store.outbox_states() if r[3] == "sent"]
    answers = [m for m in fake.messages_to(MAI) if "Đã ghi" in m.plain_text]
    assert len(answers) == 5
    # Every outbox row went out once: as many messages per chat as rows sent to it.
    per_chat = Counter(int(r[2]) for r in sent_rows)
    assert {chat: len(fake.messages_to(chat)) for chat in per_chat} == dict(per_chat)
    reminded = Counter(n[1] for n in nudges)
    assert reminded[mai.id] >= 1
    texts = [m.plain_text for m in fake.messages_to(MAI) if "đến hạn" in m.plain_text]
    assert len(texts) == len(set(texts)) == reminded[mai.id]
