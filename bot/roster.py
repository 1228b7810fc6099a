"""Importing the organisation (units and officials) from a CSV roster.

The file is validated completely first (every line, then against the database), and only then
written, in one transaction: a bad roster changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from bot.directives.normalize import fold
from bot.domain import OFFICIAL_ROLES, Official, OfficialRole
from bot.names import name_key
from storage import Store
from storage.org import IdentityTaken
from storage.records import RosterPerson, RosterUnit

REQUIRED_COLUMNS = ("unit", "parent_unit", "name", "role", "telegram_id", "zalo_id", "phone")
# The roster columns that link an official to a chat platform.
ID_COLUMNS = {"telegram_id": "telegram", "zalo_id": "zalo"}
MAX_BYTES = 5_000_000
MAX_CELL = 200
# Telegram user ids are positive and fit in 52 bits (at most 16 digits).
_TELEGRAM_ID = re.compile(r"[1-9][0-9]{0,15}")
_ZALO_ID = re.compile(r"[0-9A-Za-z_.-]{1,64}")
_PHONE = re.compile(r"\+?[0-9][0-9 .()-]{1,19}")
_CSV_ERRORS = {
    "unexpected end of data": "có dấu ngoặc kép mở mà không đóng",
    "expected after": "sau dấu ngoặc kép đóng phải là dấu phẩy hoặc hết dòng",
    "field larger than field limit": f"có một ô dài quá {MAX_CELL} ký tự",
    "new-line character seen in unquoted field": "có ký tự xuống dòng lạ trong một ô",
}


class RosterError(ValueError):
    """A roster that cannot be imported; lists every bad line."""


@dataclass(frozen=True)
class RosterRow:
    """One validated line of the roster."""

    line: int
    unit: str
    parent_unit: str
    name: str
    role: OfficialRole
    telegram_id: str | None
    zalo_id: str | None
    phone: str | None

    @property
    def identities(self) -> tuple[tuple[str, str], ...]:
        """The (platform, external id) accounts this line gives."""
        values = {"telegram_id": self.telegram_id, "zalo_id": self.zalo_id}
        return tuple((p, v) for c, p in ID_COLUMNS.items() if (v := values[c]) is not None)


@dataclass
class RosterPlan:
    """What importing a roster will change (or changed)."""

    units: list[RosterUnit] = field(default_factory=list)
    people: list[RosterPerson] = field(default_factory=list)
    deactivated: list[Official] = field(default_factory=list)
    units_added: int = 0
    units_changed: int = 0
    officials_added: int = 0
    officials_changed: int = 0
    unchanged: int = 0

    @property
    def changes_anything(self) -> bool:
        """Whether applying the plan writes anything."""
        return bool(self.units_added or self.units_changed or self.people or self.deactivated)


# -- reading and checking the file ------------------------------------------------


def load_roster(path: Path) -> list[RosterRow]:
    """Read and validate a roster CSV file (UTF-8, header row)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise RosterError(
                f"{path}: tệp lớn quá {MAX_BYTES // 1_000_000} MB, không phải danh sách."
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise RosterError(f"{path}: không có tệp này.") from exc
    except OSError as exc:
        raise RosterError(f"{path}: không đọc được tệp (mã lỗi {exc.errno}).") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise RosterError(
            f"dòng {line}: tệp không phải văn bản UTF-8 (byte 0x{data[exc.start]:02X}); "
            "hãy lưu lại danh sách dạng “CSV UTF-8”."
        ) from exc
    return read_roster(text)


def read_roster(text: str) -> list[RosterRow]:
    """Parse and validate roster CSV text; raise RosterError naming each bad line."""
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise RosterError(f"dòng {line}: có ký tự NUL, tệp bị hỏng hoặc không phải tệp CSV.")
    records = _records(text)
    first = next(records, None)
    header = [h.strip() for h in first[1]] if first else []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RosterError(f"dòng 1: thiếu cột {', '.join(missing)}.")
    rows: list[RosterRow] = []
    errors: list[str] = []
    ids_seen: dict[tuple[str, str], int] = {}  # (column, value) -> first line holding it
    people_seen: dict[tuple[str, str], int] = {}  # (unit key, person key) -> first line
    for line, cells_list in records:
        if len(cells_list) > len(header) and any(c.strip() for c in cells_list[len(header) :]):
            errors.append(f"dòng {line}: thừa cột so với tiêu đề.")
            continue
        cells = {
            h: (cells_list[n].strip() if n < len(cells_list) else "") for n, h in enumerate(header)
        }
        if not any(cells.values()):
            continue
        problem = _row_problem(cells) or _clash(cells, line, ids_seen, people_seen)
        if problem:
            errors.append(f"dòng {line}: {problem}")
            continue
        rows.append(
            RosterRow(
                line=line,
                unit=cells["unit"],
                parent_unit=cells["parent_unit"],
                name=cells["name"],
                role=cast(OfficialRole, cells["role"] or "member"),
                telegram_id=cells["telegram_id"] or None,
                zalo_id=cells["zalo_id"] or None,
                phone=cells["phone"] or None,
            )
        )
    if errors:
        raise RosterError("\n".join(errors))
    return rows


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """The CSV records with the line each starts on; a dialect error names its line."""
    reader = csv.reader(io.StringIO(text), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            why = next((v for k, v in _CSV_ERRORS.items() if k in str(exc)), "sai định dạng CSV")
            raise RosterError(f"dòng {start}: {why}.") from exc
        yield start, record


def _shown(value: str) -> str:
    return value if len(value) <= 30 else value[:29] + "…"


def _row_problem(cells: dict[str, str]) -> str | None:
    long = next((c for c, v in cells.items() if len(v) > MAX_CELL), None)
    if long is not None:
        return f"ô ở cột {_shown(long)} dài {len(cells[long])} ký tự, quá giới hạn {MAX_CELL}."
    if not cells["unit"]:
        return "thiếu tên đơn vị (cột unit)."
    if cells["name"] and cells["role"] and cells["role"] not in OFFICIAL_ROLES:
        return f"vai trò “{_shown(cells['role'])}” không hợp lệ (member, head, leader, admin)."
    value = cells["telegram_id"]
    if value and not _TELEGRAM_ID.fullmatch(value):
        return (
            f"telegram_id “{_shown(value)}” không hợp lệ: phải là số nguyên dương tối đa 16 chữ số."
        )
    value = cells["zalo_id"]
    if value and not _ZALO_ID.fullmatch(value):
        return (
            f"zalo_id “{_shown(value)}” không hợp lệ: chỉ gồm chữ số và chữ cái, tối đa 64 ký tự."
        )
    value = cells["phone"]
    if value and not _PHONE.fullmatch(value):
        return f"số điện thoại “{_shown(value)}” không hợp lệ."
    if not cells["name"] and any(cells[c] for c in ("telegram_id", "zalo_id", "phone", "role")):
        return "có telegram_id/zalo_id/phone/role nhưng thiếu tên cán bộ (cột name)."
    return None


def _clash(
    cells: dict[str, str],
    line: int,
    ids_seen: dict[tuple[str, str], int],
    people_seen: dict[tuple[str, str], int],
) -> str | None:
    for column in ID_COLUMNS:
        if cells[column] and (column, cells[column]) in ids_seen:
            return f"{column} {cells[column]} trùng với dòng {ids_seen[(column, cells[column])]}."
    person = (name_key(cells["unit"]), fold(cells["name"]))
    if cells["name"] and person in people_seen:
        return (
            f"cán bộ “{cells['name']}” của “{cells['unit']}” đã có ở dòng "
            f"{people_seen[person]}; mỗi người chỉ một dòng."
        )
    for column in ID_COLUMNS:
        if cells[column]:
            ids_seen[(column, cells[column])] = line
    if cells["name"]:
        people_seen[person] = line
    return None


# -- planning against the database, then writing ------------------------------------


def _unit_order(rows: list[RosterRow]) -> list[tuple[str, str, str | None]]:
    """(key, name, parent key) of every unit named, parents first; RosterError on a cycle."""
    parents: dict[str, str] = {}
    names: dict[str, str] = {}
    for row in rows:
        key = name_key(row.unit)
        names.setdefault(key, row.unit)
        if row.parent_unit:
            parents.setdefault(key, name_key(row.parent_unit))
            names.setdefault(name_key(row.parent_unit), row.parent_unit)
    ordered: dict[str, None] = {}
    for start in names:
        chain = [start]
        while (parent := parents.get(chain[-1])) is not None and parent not in ordered:
            if parent in chain:
                raise RosterError(f"đơn vị “{names[start]}” nằm trong vòng lặp đơn vị cha.")
            chain.append(parent)
        for key in reversed(chain):
            ordered.setdefault(key, None)
    return [(key, names[key], parents.get(key)) for key in ordered]


async def plan_roster(store: Store, rows: list[RosterRow]) -> RosterPlan:
    """Work out what importing `rows` changes, without writing; RosterError if it cannot."""
    plan = RosterPlan()
    existing_units = await store.units_by_key()
    key_of_unit = {unit.id: key for key, unit in existing_units.items()}
    for key, name, parent_key in _unit_order(rows):
        plan.units.append(RosterUnit(key, name, parent_key))
        stored = existing_units.get(key)
        if stored is None:
            plan.units_added += 1
        elif parent_key is not None:
            parent = existing_units.get(parent_key)
            plan.units_changed += parent is None or parent.id != stored.parent_id

    officials = {o.id: o for o in await store.officials(include_inactive=True)}
    holder: dict[tuple[str, str], int] = {}
    accounts: dict[int, dict[str, str]] = {}
    for identity in await store.identities():
        holder[(identity.platform, identity.external_id)] = identity.official_id
        accounts.setdefault(identity.official_id, {})[identity.platform] = identity.external_id
    by_name = {(key_of_unit[o.unit_id], fold(o.name)): o.id for o in officials.values()}

    errors: list[str] = []
    claimed: dict[int, int] = {}  # official id -> the line that is them
    targets: dict[tuple[str, str], int] = {}  # (unit key, exact name) -> the line taking it
    for row in (r for r in rows if r.name):
        unit_key = name_key(row.unit)
        # By account first, so a move to another unit or a new spelling keeps the person.
        found = {p: holder[(p, v)] for p, v in row.identities if (p, v) in holder}
        if len(set(found.values())) > 1:
            who = ", ".join(f"{p} thuộc “{officials[o].name}”" for p, o in found.items())
            errors.append(
                f"dòng {row.line}: các mã của dòng này thuộc hai cán bộ khác nhau ({who})."
            )
            continue
        official_id = next(iter(found.values()), None) or by_name.get((unit_key, fold(row.name)))
        if official_id is not None and official_id in claimed:
            errors.append(
                f"dòng {row.line}: là cùng cán bộ “{officials[official_id].name}” với dòng "
                f"{claimed[official_id]} (trùng mã hoặc trùng tên trong đơn vị)."
            )
            continue
        if official_id is not None:
            claimed[official_id] = row.line
        targets[(unit_key, row.name)] = row.line
        old = officials.get(official_id) if official_id is not None else None
        changed = old is None or (
            (key_of_unit[old.unit_id], old.name, old.role, old.phone, old.active)
            != (unit_key, row.name, row.role, row.phone, True)
            or any(accounts.get(old.id, {}).get(p) != v for p, v in row.identities)
        )
        if changed:
            person = RosterPerson(
                official_id, unit_key, row.name, row.role, row.phone, row.identities
            )
            plan.people.append(person)
        plan.officials_added += old is None
        plan.officials_changed += old is not None and changed
        plan.unchanged += not changed
    for official in officials.values():
        if official.id in claimed:
            continue
        line = targets.get((key_of_unit[official.unit_id], official.name))
        if line is not None:
            errors.append(
                f"dòng {line}: tên “{official.name}” ở “{official.unit_name}” là của một cán bộ "
                "khác đã có trong cơ sở dữ liệu (mã Telegram/Zalo khác); hãy ghi rõ mã của họ."
            )
        elif official.active:
            plan.deactivated.append(official)
    if errors:
        raise RosterError("\n".join(errors))
    return plan


async def import_roster(
    store: Store, rows: list[RosterRow], now: datetime | None = None
) -> RosterPlan:
    """Plan the import of a validated roster, then write it in one transaction."""
    plan = await plan_roster(store, rows)
    await apply_plan(store, plan, now)
    return plan


async def apply_plan(store: Store, plan: RosterPlan, now: datetime | None = None) -> None:
    """Write what `plan_roster` found; re-importing the same roster writes nothing."""
    if not plan.changes_anything:
        return
    try:
        await store.apply_roster(
            plan.units, plan.people, [o.id for o in plan.deactivated], now or datetime.now(UTC)
        )
    except (IdentityTaken, sqlite3.IntegrityError) as exc:
        # Only when another process (the bot linking an invite) wrote in between.
        raise RosterError(
            "Cơ sở dữ liệu vừa thay đổi trong lúc nạp danh sách; chưa lưu gì, hãy chạy lại lệnh."
        ) from exc
