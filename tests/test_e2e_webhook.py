"""Webhook mode: one aiohttp server takes Telegram's and Zalo's updates, secret checked."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import ConfigError, run_bot
from bot.cli import run_cli
from bot.config import Settings
from storage import Store
from tests.conftest import ENGINES, EXAMPLES, Clock
from tests.fakebotapi import FakeBotApi
from tests.fakezalo import FakeZalo

SECRET = "s3cret-token_for-tests"
MAI_TG, MAI_ZALO = 100012, "7400000000000012"


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test here runs on SQLite and on PostgreSQL."""
    return str(request.param)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Hooked:
    """A bot serving webhooks, and the fake platforms posting to it."""

    telegram: FakeBotApi
    zalo: FakeZalo
    settings: Settings
    root: str


@pytest.fixture
async def hooked(database: Path | str) -> AsyncIterator[Hooked]:
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    async with FakeBotApi() as telegram, FakeZalo(max_poll=0.2) as zalo:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_token="123456:TEST",  # type: ignore[arg-type]
            telegram_api_url=telegram.url,
            zalo_token=zalo.token,  # type: ignore[arg-type]
            zalo_api_url=zalo.url,
            db=database,
            webhook_listen=f"127.0.0.1:{port}",
            webhook_url=root,
            webhook_secret=SECRET,  # type: ignore[arg-type]
        )
        assert await run_cli(["org", "import", str(EXAMPLES / "roster.csv")], settings) == 0
        stop = asyncio.Event()
        clock = Clock(datetime(2026, 11, 20, 2, tzinfo=UTC))
        task = asyncio.create_task(run_bot(settings, stop, clock, webhook=True))
        await telegram.wait_for_call("setWebhook")
        await zalo.wait_for_call("setWebhook")
        try:
            yield Hooked(telegram, zalo, settings, root)
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)


async def test_both_platforms_are_served_from_one_server(hooked: Hooked) -> None:
    assert hooked.telegram.webhook is not None
    assert hooked.telegram.webhook["url"] == f"{hooked.root}/telegram"
    assert hooked.zalo.webhook_url == f"{hooked.root}/zalo"
    assert await hooked.telegram.post_webhook(hooked.telegram.text_update(MAI_TG, "/start")) == 200
    [hello] = await hooked.telegram.wait_for_messages(MAI_TG, 1)
    assert "Huỳnh Ngọc Mai" in hello.plain_text
    for wrapped in (True, False):  # Zalo's documented shape and the flat one seen live
        update = hooked.zalo.update(MAI_ZALO, text="/trogiup")
        assert (await hooked.zalo.post_webhook(update, wrapped=wrapped)).status_code == 200
    answers = await hooked.zalo.wait_for_messages(MAI_ZALO, 2)
    assert all("/nhiemvu" in a.text for a in answers)


async def test_a_wrong_or_missing_secret_is_refused_and_changes_nothing(hooked: Hooked) -> None:
    update = hooked.telegram.text_update(MAI_TG, "/start")
    assert await hooked.telegram.post_webhook(update, secret="wrong-secret") == 403
    assert await hooked.telegram.post_webhook(update, secret="") == 403
    zalo_update = hooked.zalo.update(MAI_ZALO, text="/start")
    assert (await hooked.zalo.post_webhook(zalo_update, secret="wrong-secret")).status_code == 403
    await asyncio.sleep(0.3)
    assert hooked.telegram.messages_to(MAI_TG) == [] and hooked.zalo.messages_to(MAI_ZALO) == []
    async with Store.open(hooked.settings.db) as store:
        assert await store.unhandled(["telegram", "zalo"]) == []


async def test_a_retried_webhook_request_is_handled_once(hooked: Hooked) -> None:
    update = hooked.telegram.text_update(MAI_TG, "/start")
    assert await hooked.telegram.post_webhook(update) == 200
    assert await hooked.telegram.post_webhook(update) == 200  # Telegram retries on a timeout
    await hooked.telegram.wait_for_messages(MAI_TG, 1)
    await asyncio.sleep(0.3)
    assert len(hooked.telegram.messages_to(MAI_TG)) == 1


async def test_webhook_mode_needs_a_url_and_a_good_secret(tmp_path: Path) -> None:
    base = Settings(_env_file=None, telegram_token="1:x", db=tmp_path / "d.db")  # type: ignore[call-arg, arg-type]
    with pytest.raises(ConfigError, match="DONDOC_WEBHOOK_URL"):
        await run_bot(base, asyncio.Event(), webhook=True)
    short = base.model_copy(update={"webhook_url": "https://x", "webhook_secret": SecretStr("ab")})
    with pytest.raises(ConfigError, match="8–256"):
        await run_bot(short, asyncio.Event(), webhook=True)


async def test_someone_on_both_platforms_gets_each_nudge_once(hooked: Hooked) -> None:
    plan = EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt"
    assert await run_cli(["directive", "import", str(plan), "--yes"], hooked.settings) == 0
    # She writes on Zalo: that is the channel she uses, so the nudge goes there.
    await hooked.zalo.post_webhook(hooked.zalo.update(MAI_ZALO, text="/start"))
    await hooked.zalo.wait_for_messages(MAI_ZALO, 1)
    assert await run_cli(["nudge", "--at", "2026-11-23T09:00:00+07:00"], hooked.settings) == 0
    on_zalo = [m for m in hooked.zalo.messages_to(MAI_ZALO) if "Còn 7 ngày" in m.text]
    on_telegram = [m for m in hooked.telegram.messages_to(MAI_TG) if "Còn 7 ngày" in m.text]
    assert (len(on_zalo), len(on_telegram)) == (1, 0)
