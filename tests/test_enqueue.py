"""Owing many messages at once: one statement per run of messages, the order of sending kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.transports import OutFile, Reply
from storage import Outgoing, Store
from tests.conftest import ENGINES

NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test here runs on SQLite and on PostgreSQL."""
    return str(request.param)


async def test_a_long_batch_keeps_its_order_files_and_keys(store: Store) -> None:
    await store.enqueue([Outgoing("telegram", "1", Reply("owed before"), key="k:7")], NOW)
    items = [
        Outgoing(
            "telegram",
            "1",
            Reply(f"m{n}", files=(OutFile(f"r{n}.xlsx", b"x" * n),) if n in (3, 301) else ()),
            key=f"k:{n % 250}" if n % 50 == 7 else None,
        )
        for n in range(450)
    ]
    ids = await store.enqueue(items, NOW)
    # k:7 was owed before; k:57 … k:207 are each owed once, their second use (n ≥ 250) is not.
    kept = [
        i
        for i in items
        if i.key is None or (i.key != "k:7" and int(i.key[2:]) == int(i.reply.text[1:]))
    ]
    assert len(ids) == len(kept) and ids == sorted(ids)
    rows = await store.claim_outgoing(["telegram"], NOW, timedelta(seconds=60), 1000)
    assert [r.reply.text for r in rows] == ["owed before"] + [i.reply.text for i in kept]
    assert [r.id for r in rows][1:] == ids
    files = {r.reply.text: [f.name for f in r.reply.files] for r in rows if r.reply.files}
    assert files == {"m3": ["r3.xlsx"], "m301": ["r301.xlsx"]}
