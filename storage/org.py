"""Queries on the organisation: units, their aliases and their officials."""

from __future__ import annotations

from typing import Literal, cast

from bot.domain import Official, OfficialRole, Unit
from storage.base import StoreBase
from storage.records import _OFFICIAL_SQL, _official_from_row

Change = Literal["added", "changed", "unchanged"]


class OrgQueries(StoreBase):
    """Units, unit aliases and officials."""

    # -- units ---------------------------------------------------------------

    async def upsert_unit(self, name: str, key: str, parent_id: int | None) -> tuple[Unit, Change]:
        """Add a unit, or move it under `parent_id` when that differs; keyed by `key`."""
        row = await self._one("SELECT id, name, parent_id FROM units WHERE key = ?", (key,))
        async with self._transaction() as db:
            if row is None:
                cur = await db.execute(
                    "INSERT INTO units (name, key, parent_id) VALUES (?, ?, ?)",
                    (name, key, parent_id),
                )
                return Unit(cast(int, cur.lastrowid), name, parent_id), "added"
            if parent_id is not None and row[2] != parent_id:
                await db.execute("UPDATE units SET parent_id = ? WHERE id = ?", (parent_id, row[0]))
                return Unit(row[0], row[1], parent_id), "changed"
        return Unit(row[0], row[1], row[2]), "unchanged"

    async def units(self) -> list[Unit]:
        """Every unit, by id."""
        rows = await self._all("SELECT id, name, parent_id FROM units ORDER BY id")
        return [Unit(*row) for row in rows]

    async def subtree(self, unit_id: int) -> list[int]:
        """The ids of a unit and all units below it."""
        rows = await self._all(
            """WITH RECURSIVE sub(id) AS (
                   SELECT ? UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)
               SELECT id FROM sub""",
            (unit_id,),
        )
        return [row[0] for row in rows]

    async def add_alias(self, alias: str, key: str, unit_id: int) -> Change:
        """Let `alias` (by its name key) stand for a unit."""
        row = await self._one("SELECT unit_id FROM unit_aliases WHERE key = ?", (key,))
        if row is not None and row[0] == unit_id:
            return "unchanged"
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO unit_aliases (key, alias, unit_id) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET alias = excluded.alias, unit_id = excluded.unit_id",
                (key, alias, unit_id),
            )
        return "added" if row is None else "changed"

    async def aliases(self) -> list[tuple[str, int]]:
        """Every alias as (name key, unit id)."""
        return [(r[0], r[1]) for r in await self._all("SELECT key, unit_id FROM unit_aliases")]

    # -- officials -----------------------------------------------------------

    async def upsert_official(
        self,
        unit_id: int,
        name: str,
        role: OfficialRole,
        telegram_id: int | None,
        zalo_id: str | None,
        phone: str | None,
        *,
        official_id: int | None = None,
    ) -> Change:
        """Add an official, or update one (found by `official_id`, else by unit and name)."""
        if official_id is None:
            row = await self._one(
                "SELECT id FROM officials WHERE unit_id = ? AND name = ?", (unit_id, name)
            )
            official_id = row[0] if row else None
        wanted = (unit_id, name, role, telegram_id, zalo_id, phone)
        async with self._transaction() as db:
            if official_id is None:
                await db.execute(
                    "INSERT INTO officials (unit_id, name, role, telegram_id, zalo_id, phone) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    wanted,
                )
                return "added"
            cur = await db.execute(
                "SELECT unit_id, name, role, telegram_id, zalo_id, phone FROM officials"
                " WHERE id = ?",
                (official_id,),
            )
            if tuple(await cur.fetchone() or ()) == wanted:
                return "unchanged"
            await db.execute(
                "UPDATE officials SET unit_id = ?, name = ?, role = ?, telegram_id = ?,"
                " zalo_id = ?, phone = ? WHERE id = ?",
                (*wanted, official_id),
            )
        return "changed"

    async def official_by_telegram(self, telegram_id: int) -> Official | None:
        """The official whose Telegram user id this is, if any."""
        row = await self._one(_OFFICIAL_SQL + " WHERE o.telegram_id = ?", (telegram_id,))
        return _official_from_row(row) if row else None

    async def official(self, official_id: int) -> Official | None:
        """An official by id."""
        row = await self._one(_OFFICIAL_SQL + " WHERE o.id = ?", (official_id,))
        return _official_from_row(row) if row else None

    async def officials(self) -> list[Official]:
        """Every official, by unit then name."""
        rows = await self._all(_OFFICIAL_SQL + " ORDER BY o.unit_id, o.id")
        return [_official_from_row(row) for row in rows]

    async def official_id_by(self, column: str, value: object) -> int | None:
        """The official whose `telegram_id` or `zalo_id` is `value`, if any."""
        if column not in ("telegram_id", "zalo_id"):
            raise ValueError(column)
        row = await self._one(f"SELECT id FROM officials WHERE {column} = ?", (value,))
        return row[0] if row else None
