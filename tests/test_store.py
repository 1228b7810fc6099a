"""The Store against a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.domain import Official, TaskStatus, TaskView
from storage import NewTask, Store
from storage.migrate import DatabaseTooNew, migrations
from tests.conftest import ENGINES, add_directive, unit_id

NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test here runs on SQLite and on PostgreSQL."""
    return str(request.param)


async def finance_task(
    store: Store, roster: dict[str, Official], deadline: date | None = None
) -> tuple[Official, TaskView]:
    """The finance office's head and the one task of a fresh directive for that office."""
    official = roster["Lý Văn Phúc"]
    await add_directive(
        store, NOW, [NewTask(official.unit_id, "lead", "Bố trí kinh phí", deadline)]
    )
    [task] = await store.tasks_of_units([official.unit_id])
    return official, task


async def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    async with Store.open(path):
        pass
    async with Store.open(path):  # a second start applies nothing again
        pass
    async with (
        aiosqlite.connect(path) as db,
        db.execute("SELECT version FROM schema_version") as cur,
    ):
        versions = [row[0] for row in await cur.fetchall()]
    assert versions == [n for n, _ in migrations()]


async def test_refuses_a_database_newer_than_the_code(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    async with Store.open(path):
        pass
    async with aiosqlite.connect(path) as db:
        await db.execute("INSERT INTO schema_version VALUES (999)")
        await db.commit()
    with pytest.raises(DatabaseTooNew):
        async with Store.open(path):
            pass


async def test_subtree_follows_parents(store: Store, roster: dict[str, Official]) -> None:
    district = await unit_id(store, "Ủy ban nhân dân huyện Mỹ Xuyên")
    finance = await unit_id(store, "Phòng Tài chính - Kế hoạch")
    below = await store.subtree(district)
    assert finance in below
    assert await store.subtree(finance) == [finance]


async def test_update_from_the_same_message_is_stored_once(
    store: Store, roster: dict[str, Official]
) -> None:
    official, task = await finance_task(store, roster)
    kwargs = dict(task_id=task.id, official_id=official.id, text="đạt 40%", percent=40, status=None)
    assert await store.add_update(**kwargs, source="telegram:1:5", now=NOW)  # type: ignore[arg-type]
    assert not await store.add_update(**kwargs, source="telegram:1:5", now=NOW)  # type: ignore[arg-type]
    assert await store.update_count(task.id) == 1
    view = await store.task(task.id)
    assert view is not None
    assert (view.last_note, view.last_percent, view.status) == ("đạt 40%", 40, TaskStatus.OPEN)


async def test_done_update_closes_the_task(store: Store, roster: dict[str, Official]) -> None:
    official, task = await finance_task(store, roster)
    await store.add_update(
        task_id=task.id,
        official_id=official.id,
        text="Đã hoàn thành.",
        percent=100,
        status=TaskStatus.DONE,
        source=None,
        now=NOW,
    )
    view = await store.task(task.id)
    assert view is not None and view.status is TaskStatus.DONE
    assert await store.open_tasks_with_deadline() == []


async def test_a_nudge_is_owed_once(store: Store, roster: dict[str, Official]) -> None:
    official, task = await finance_task(store, roster, deadline=date(2026, 12, 1))
    key = (task.id, official.id, "before-7", "2026-12-01")
    assert await store.owe_nudge(*key, NOW)
    assert not await store.owe_nudge(*key, NOW)  # a second worker or sweep gets nothing
    assert await store.nudge_states() == [(*key, "sent")]
