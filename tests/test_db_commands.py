"""`dondoc db migrate`, `db check` and `db copy` (SQLite to PostgreSQL, every row, ids kept)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main, run_cli
from bot.config import Settings
from bot.domain import TaskStatus
from storage import NewTask, Store
from storage.migrate import DatabaseRefused, latest_version
from tests.conftest import add_directive, dondoc_db, pg_schema

NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)


def settings(db: Path | str) -> Settings:
    return Settings(_env_file=None, db=db)  # type: ignore[call-arg]


async def test_check_and_migrate_report_the_schema_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "d.db"
    assert await run_cli(["db", "check"], settings(db)) == 1
    assert "chưa có cơ sở dữ liệu" in capsys.readouterr().out
    assert not db.exists()  # checking writes nothing
    assert await run_cli(["db", "migrate"], settings(db)) == 0
    assert f"phiên bản {latest_version()}" in capsys.readouterr().out
    assert await run_cli(["db", "check"], settings(db)) == 0
    assert "đúng phiên bản" in capsys.readouterr().out


async def test_copy_moves_every_row_with_its_id_and_refuses_a_second_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = await dondoc_db(tmp_path / "d.db")
    async with Store.open(source) as store:
        unit = (await store.units())[3].id
        official = next(o for o in await store.officials() if o.unit_id == unit)
        directive = await add_directive(store, NOW, [NewTask(unit, "lead", "Bố trí kinh phí")])
        [task] = await store.tasks_of_directive(directive)
        await store.add_update(
            task_id=task.id,
            official_id=official.id,
            text="xong",
            percent=100,
            status=TaskStatus.DONE,
            source="m:1",
            now=NOW,
        )
        units, officials = await store.units(), await store.officials(include_inactive=True)
    async with pg_schema() as url:
        argv = ["db", "copy", "--from", f"sqlite:///{source}", "--to", url]
        assert await run_cli(argv, settings(source)) == 0
        assert "Đã chép" in capsys.readouterr().out
        assert await run_cli(["db", "check"], settings(url)) == 0
        async with Store.open(url) as store:
            assert await store.units() == units
            assert await store.officials(include_inactive=True) == officials
            copied = await store.task(task.id)
            assert copied is not None and copied.status is TaskStatus.DONE
            assert copied.last_note == "xong" and copied.last_percent == 100
            # New rows get ids after the copied ones.
            again = await add_directive(store, NOW, [NewTask(unit, "lead", "Mới")], code="9/KH")
            assert again > directive
        with pytest.raises(DatabaseRefused, match="đã có dữ liệu"):
            await run_cli(argv, settings(source))


def test_copy_needs_a_sqlite_source_and_a_postgresql_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_target = ["db", "copy", "--from", str(tmp_path / "a.db"), "--to", str(tmp_path / "b.db")]
    assert main(bad_target) == 2
    assert "--to phải là postgresql://" in capsys.readouterr().err
    missing = [
        "db",
        "copy",
        "--from",
        str(tmp_path / "none.db"),
        "--to",
        "postgresql://x@127.0.0.1:1/x",
    ]
    assert main(missing) == 2
    assert "Không có tệp cơ sở dữ liệu" in capsys.readouterr().err
    assert main(["--db", "mysql://x/y", "db", "check"]) == 2
    assert "DONDOC_DB" in capsys.readouterr().err
