"""Importing the organisation (units and officials) from a CSV roster."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from bot.domain import OFFICIAL_ROLES, OfficialRole
from bot.names import name_key
from storage import Store

REQUIRED_COLUMNS = ("unit", "parent_unit", "name", "role", "telegram_id", "zalo_id", "phone")


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
    telegram_id: int | None
    zalo_id: str | None
    phone: str | None


@dataclass
class RosterResult:
    """What an import changed."""

    units_added: int = 0
    units_changed: int = 0
    officials_added: int = 0
    officials_changed: int = 0
    unchanged: int = 0


def read_roster(text: str) -> list[RosterRow]:
    """Parse and validate roster CSV text; raise RosterError naming each bad line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RosterError(f"dòng 1: thiếu cột {', '.join(missing)}")
    reader.fieldnames = header
    rows: list[RosterRow] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}  # (column, value) -> first line holding it
    for raw in reader:
        line = reader.line_num
        if None in raw:
            errors.append(f"dòng {line}: thừa cột so với tiêu đề")
            continue
        cells = {k: (v or "").strip() for k, v in raw.items()}
        if not any(cells.values()):
            continue
        problem = _row_problem(cells)
        if problem:
            errors.append(f"dòng {line}: {problem}")
            continue
        clash = next(
            (
                f"dòng {line}: {column} {cells[column]} trùng với dòng {seen[(column, cells[column])]}"
                for column in ("telegram_id", "zalo_id")
                if cells[column] and (column, cells[column]) in seen
            ),
            None,
        )
        if clash:
            errors.append(clash)
            continue
        for column in ("telegram_id", "zalo_id"):
            if cells[column]:
                seen[(column, cells[column])] = line
        telegram = int(cells["telegram_id"]) if cells["telegram_id"] else None
        rows.append(
            RosterRow(
                line=line,
                unit=cells["unit"],
                parent_unit=cells["parent_unit"],
                name=cells["name"],
                role=cast(OfficialRole, cells["role"] or "member"),
                telegram_id=telegram,
                zalo_id=cells["zalo_id"] or None,
                phone=cells["phone"] or None,
            )
        )
    if errors:
        raise RosterError("\n".join(errors))
    return rows


def load_roster(path: Path) -> list[RosterRow]:
    """Read and validate a roster CSV file (UTF-8, header row)."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"{path}: không đọc được tệp CSV UTF-8 ({exc})") from exc
    return read_roster(text)


def _row_problem(cells: dict[str, str]) -> str | None:
    if not cells["unit"]:
        return "thiếu tên đơn vị (cột unit)"
    if cells["name"] and cells["role"] not in OFFICIAL_ROLES:
        return f"vai trò “{cells['role']}” không hợp lệ (member, head, leader, admin)"
    if cells["telegram_id"] and not cells["telegram_id"].lstrip("-").isdigit():
        return f"telegram_id “{cells['telegram_id']}” phải là số"
    if not cells["name"] and any(cells[c] for c in ("telegram_id", "zalo_id", "phone")):
        return "có telegram_id/zalo_id/phone nhưng thiếu tên cán bộ (cột name)"
    return None


def _check_no_cycles(parents: dict[str, str], names: dict[str, str]) -> None:
    for start in parents:
        seen = {start}
        key = parents.get(start)
        while key is not None:
            if key in seen:
                raise RosterError(f"đơn vị “{names[start]}” nằm trong vòng lặp đơn vị cha")
            seen.add(key)
            key = parents.get(key)


async def _match_people(
    store: Store, rows: list[RosterRow], unit_ids: dict[str, int]
) -> list[tuple[RosterRow, int | None]]:
    # By Telegram id first, so a move to another unit or a new spelling keeps the person.
    existing = {(o.unit_id, o.name): o.id for o in await store.officials()}
    matched = []
    errors = []
    for row in rows:
        official_id = None
        if row.telegram_id is not None:
            official_id = await store.official_id_by("telegram_id", row.telegram_id)
        if official_id is None:
            official_id = existing.get((unit_ids[name_key(row.unit)], row.name))
        if row.zalo_id is not None:
            owner = await store.official_id_by("zalo_id", row.zalo_id)
            if owner is not None and owner != official_id:
                errors.append(f"dòng {row.line}: zalo_id {row.zalo_id} đang thuộc cán bộ khác")
        matched.append((row, official_id))
    if errors:
        raise RosterError("\n".join(errors))
    return matched


async def import_roster(store: Store, rows: list[RosterRow]) -> RosterResult:
    """Create or update the units and officials of a validated roster; re-running changes nothing."""
    result = RosterResult()
    parents: dict[str, str] = {}
    names: dict[str, str] = {}
    for row in rows:
        key = name_key(row.unit)
        names.setdefault(key, row.unit)
        if row.parent_unit:
            parents.setdefault(key, name_key(row.parent_unit))
            names.setdefault(name_key(row.parent_unit), row.parent_unit)
    _check_no_cycles(parents, names)
    ids: dict[str, int] = {}

    async def ensure(key: str) -> int:
        if key in ids:
            return ids[key]
        parent_key = parents.get(key)
        parent_id = await ensure(parent_key) if parent_key else None
        unit, change = await store.upsert_unit(names[key], key, parent_id)
        result.units_added += change == "added"
        result.units_changed += change == "changed"
        ids[key] = unit.id
        return unit.id

    for key in names:
        await ensure(key)
    # Matched (and checked) before any official is written.
    people = await _match_people(store, [r for r in rows if r.name], ids)
    for row, official_id in people:
        change = await store.upsert_official(
            ids[name_key(row.unit)],
            row.name,
            row.role,
            row.telegram_id,
            row.zalo_id,
            row.phone,
            official_id=official_id,
        )
        result.officials_added += change == "added"
        result.officials_changed += change == "changed"
        result.unchanged += change == "unchanged"
    return result
