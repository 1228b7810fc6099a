"""Whether a file is a dondoc database this code can open, checked without writing to it."""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

from storage.migrate import DatabaseRefused, DatabaseTooNew, latest_version, migrations

_MAGIC = b"SQLite format 3\x00"


def check_file(path: Path) -> None:
    """Refuse, without writing anything, a file that is not a dondoc database this code can use."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
        size = path.stat().st_size
    except FileNotFoundError:
        return  # a new database
    except OSError as exc:
        raise DatabaseRefused(
            f"Không mở được tệp cơ sở dữ liệu {path} ({exc.strerror}); không ghi gì vào tệp."
        ) from exc
    if size == 0:
        return  # SQLite treats an empty file as an empty database
    _check_header(path, header, size)
    version = read_version(path)
    if version > latest_version():
        raise DatabaseTooNew(
            f"Cơ sở dữ liệu {path} có phiên bản {version}, mới hơn phiên bản dondoc này dùng "
            f"({latest_version()}); hãy cập nhật dondoc, tệp được giữ nguyên."
        )


def _corrupt(path: Path, what: str) -> DatabaseRefused:
    return DatabaseRefused(
        f"Tệp cơ sở dữ liệu {path} bị hỏng ({what}); không ghi gì vào tệp, "
        "hãy khôi phục từ bản sao lưu."
    )


def _foreign(path: Path) -> DatabaseRefused:
    return DatabaseRefused(
        f"Tệp {path} không phải cơ sở dữ liệu của dondoc; không ghi gì vào tệp, "
        "hãy chọn tệp khác bằng --db hoặc DONDOC_DB."
    )


def _check_header(path: Path, header: bytes, size: int) -> None:
    if not header.startswith(_MAGIC):
        if len(header) < len(_MAGIC) and _MAGIC.startswith(header):
            raise _corrupt(path, "bị cắt cụt")
        raise DatabaseRefused(
            f"Tệp {path} không phải cơ sở dữ liệu SQLite; không ghi gì vào tệp, "
            "hãy chọn tệp khác bằng --db hoặc DONDOC_DB."
        )
    if len(header) < 100:
        raise _corrupt(path, "bị cắt cụt")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise _corrupt(path, "phần đầu tệp sai")
    pages = int.from_bytes(header[28:32], "big")
    # The page count in the header is valid only when these two counters agree.
    counted = header[24:28] == header[92:96]
    if size % page_size or (counted and size < pages * page_size):
        raise _corrupt(path, "bị cắt cụt")


def read_version(path: Path) -> int:
    """The schema version of a SQLite dondoc database, read without writing (checked first)."""
    # immutable=1 opens without creating -wal/-shm files; when a -wal file exists (another
    # process has the database open) a plain read-only open reads it as well.
    wal = path.with_name(path.name + "-wal").exists()
    uri = path.resolve().as_uri() + ("?mode=ro" if wal else "?mode=ro&immutable=1")
    try:
        db = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise _corrupt(path, "SQLite không mở được") from exc
    try:
        try:
            check = db.execute("PRAGMA quick_check(1)").fetchone()
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise _corrupt(path, "SQLite không đọc được") from exc
        if check is None or check[0] != "ok":
            raise _corrupt(path, "kiểm tra thấy dữ liệu hỏng")
        if not tables:
            return 0
        if "schema_version" not in tables:
            raise _foreign(path)
        try:
            row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
            version = int(row[0]) if row and row[0] is not None else 0
        except (sqlite3.Error, TypeError, ValueError) as exc:
            raise _foreign(path) from exc
        if version >= 1 and "units" not in tables:
            raise _foreign(path)
        if version <= latest_version():
            _check_tables(path, db, version)
        return version
    finally:
        db.close()


def _check_tables(path: Path, db: sqlite3.Connection, version: int) -> None:
    """Every table the migrations up to `version` make is there, with its columns."""
    try:
        found = _columns(db)
    except sqlite3.DatabaseError as exc:
        raise _corrupt(path, "SQLite không đọc được") from exc
    for table, columns in _expected_tables(version).items():
        if found.get(table) != columns:
            raise _corrupt(path, f"bảng {table} khác với phiên bản {version}")


@cache
def _expected_tables(version: int) -> dict[str, tuple[str, ...]]:
    reference = sqlite3.connect(":memory:")
    try:
        reference.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for number, sql in migrations():
            if number <= version:
                reference.executescript(sql)
        return _columns(reference)
    finally:
        reference.close()


def _columns(db: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        name: tuple(r[1] for r in db.execute("SELECT * FROM pragma_table_info(?)", (name,)))
        for name in names
        if not name.startswith("sqlite_")
    }
