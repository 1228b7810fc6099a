"""Database files dondoc did not write, or cannot use, are refused before anything is written."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from storage import Store
from storage.migrate import DatabaseRefused, DatabaseTooNew, migrations
from tests.conftest import dondoc_db


def other_app(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO contacts (name) VALUES ('x')")
    db.commit()
    db.close()


def other_app_with_versions(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    db.execute("INSERT INTO schema_version VALUES (3)")
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    db.commit()
    db.close()


def newer(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_version VALUES (999)")
    db.commit()
    db.close()


def tampered(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE officials RENAME COLUMN phone TO tel")
    db.commit()
    db.close()


def garbled(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096 : 4096 * 3] = bytes((n * 37) % 251 for n in range(4096 * 2))
    path.write_bytes(bytes(data))


def cut_mid_page(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-1000])


def cut_at_page(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: 4096 * 2])


def cut_header(path: Path) -> None:
    path.write_bytes(b"SQLite for")


def text_file(path: Path) -> None:
    path.write_text("unit,parent_unit,name\nA,,B\n", "utf-8")


LATEST = migrations()[-1][0]
SPOILERS: dict[str, tuple[Callable[[Path], None], bool, str]] = {
    # name: (make the file bad, starting from a dondoc database?, what the message says)
    "text": (text_file, False, "không phải cơ sở dữ liệu SQLite"),
    "other app": (other_app, False, "không phải cơ sở dữ liệu của dondoc"),
    "other app with versions": (other_app_with_versions, False, "không phải cơ sở dữ liệu"),
    "newer": (newer, True, "mới hơn phiên bản dondoc này"),
    "garbled": (garbled, True, "bị hỏng"),
    "a table changed": (tampered, True, f"bị hỏng (bảng officials khác với phiên bản {LATEST})"),
    "cut mid page": (cut_mid_page, True, "bị hỏng (bị cắt cụt)"),
    "cut at a page": (cut_at_page, True, "bị hỏng (bị cắt cụt)"),
    "cut header": (cut_header, False, "bị hỏng (bị cắt cụt)"),
}


def make_bad(folder: Path, name: str, good: bytes) -> Path:
    """A database file spoiled the named way."""
    spoil, from_dondoc, _ = SPOILERS[name]
    path = folder / "bad.db"
    if from_dondoc:
        path.write_bytes(good)
    spoil(path)
    return path


@pytest.mark.parametrize("name", sorted(SPOILERS))
async def test_a_bad_file_is_refused_and_left_as_it_was(
    tmp_path: Path, good_db: bytes, name: str
) -> None:
    path = make_bad(tmp_path, name, good_db)
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused, match=re.escape(SPOILERS[name][2])) as caught:
        async with Store.open(path):
            pass
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.db"]  # noqa: ASYNC240 (no -wal)


async def test_too_new_is_a_refusal(tmp_path: Path, good_db: bytes) -> None:
    path = make_bad(tmp_path, "newer", good_db)
    with pytest.raises(DatabaseTooNew):
        async with Store.open(path):
            pass


async def test_an_empty_file_and_a_good_file_open(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    async with Store.open(empty) as store:
        assert await store.units() == []
    path = await dondoc_db(tmp_path / "good.db")
    async with Store.open(path) as store:
        assert len(await store.officials()) == 16
