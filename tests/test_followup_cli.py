"""`dondoc nudge --at`: one sweep, the count of messages sent; the same instant again sends none."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import run_cli
from bot.config import Settings
from tests.conftest import EXAMPLES
from tests.fakebotapi import FakeBotApi

PLAN = EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt"


async def test_nudge_at_prints_what_was_sent_and_a_second_sweep_sends_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with FakeBotApi() as fake:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_token="123456:TEST",  # type: ignore[arg-type]
            telegram_api_url=fake.url,
            db=tmp_path / "dondoc.db",
            digest_weekday=None,
        )
        assert await run_cli(["org", "import", str(EXAMPLES / "roster.csv")], settings) == 0
        assert await run_cli(["directive", "import", str(PLAN), "--yes"], settings) == 0
        capsys.readouterr()
        assert await run_cli(["nudge", "--at", "2026-12-14T09:00"], settings) == 0
        first = capsys.readouterr().out
        assert await run_cli(["nudge", "--at", "2026-12-14T09:00"], settings) == 0
        again = capsys.readouterr().out
        sent = int(first.split("Đã gửi ")[1].split(" tin")[0])
        assert sent > 0 and sent == len(fake.sent)
        assert again.startswith("Đã gửi 0 tin")
        assert await run_cli(["nudge", "--at", "2026-12-14T19:00"], settings) == 0
        assert capsys.readouterr().out.startswith("Đã gửi 0 tin")  # after working hours
