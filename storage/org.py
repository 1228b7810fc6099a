"""Queries on the organisation: units, aliases, officials, their chat identities, invites."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from typing import Literal, cast

from bot.domain import Identity, Official, OfficialRole, Recipient, Unit
from storage.base import Connection, StoreBase, _iso
from storage.records import (
    _IDENTITY_SQL,
    _OFFICIAL_SQL,
    RosterPerson,
    RosterUnit,
    _identity_from_row,
    _official_from_row,
)

Change = Literal["added", "changed", "unchanged"]


class OrgQueries(StoreBase):
    """Units, unit aliases, officials, identities and invites."""

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
                   SELECT CAST(? AS BIGINT) UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)
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

    async def units_by_key(self) -> dict[str, Unit]:
        """Every unit by its name key."""
        rows = await self._all("SELECT key, id, name, parent_id FROM units")
        return {row[0]: Unit(row[1], row[2], row[3]) for row in rows}

    # -- officials -----------------------------------------------------------

    async def add_official(
        self, unit_id: int, name: str, role: OfficialRole, phone: str | None = None
    ) -> int:
        """Add one official (outside a roster import); their id."""
        async with self._transaction() as db:
            cur = await db.execute(
                "INSERT INTO officials (unit_id, name, role, phone) VALUES (?, ?, ?, ?)",
                (unit_id, name, role, phone),
            )
        return cast(int, cur.lastrowid)

    async def official(self, official_id: int) -> Official | None:
        """An official by id, active or not."""
        row = await self._one(_OFFICIAL_SQL + " WHERE o.id = ?", (official_id,))
        return _official_from_row(row) if row else None

    async def officials(self, *, include_inactive: bool = False) -> list[Official]:
        """The active officials (or every one), by unit then id."""
        where = "" if include_inactive else " WHERE o.active = 1"
        rows = await self._all(_OFFICIAL_SQL + where + " ORDER BY o.unit_id, o.id")
        return [_official_from_row(row) for row in rows]

    async def official_by(self, platform: str, external_id: str) -> Official | None:
        """The active official with this account on `platform`, if any.

        The terminal demo ("console") has no accounts: its user ids are official ids.
        """
        if len(external_id) > _MAX_EXTERNAL_ID:
            return None
        if platform == "console":
            if not (external_id.isascii() and external_id.isdigit() and len(external_id) < 19):
                return None
            row = await self._one(
                _OFFICIAL_SQL + " WHERE o.id = ? AND o.active = 1", (int(external_id),)
            )
        else:
            row = await self._one(
                _OFFICIAL_SQL + " JOIN identities i ON i.official_id = o.id"
                " WHERE i.platform = ? AND i.external_id = ? AND o.active = 1",
                (platform, external_id),
            )
        return _official_from_row(row) if row else None

    async def set_preferred_platform(self, official_id: int, platform: str | None) -> None:
        """The platform an official wants messages on (None: the one they last used)."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE officials SET preferred_platform = ? WHERE id = ?", (platform, official_id)
            )

    # -- identities ----------------------------------------------------------

    async def identities(self, official_id: int | None = None) -> list[Identity]:
        """The chat accounts of one official (or of all), by official then platform."""
        where, params = (
            ("", ()) if official_id is None else (" WHERE official_id = ?", (official_id,))
        )
        rows = await self._all(_IDENTITY_SQL + where + " ORDER BY official_id, platform", params)
        return [_identity_from_row(row) for row in rows]

    async def link_identity(
        self, official_id: int, platform: str, external_id: str, now: datetime
    ) -> Change:
        """Give an official this account on `platform`, replacing their previous one there.

        Raises IdentityTaken when the account belongs to another official.
        """
        async with self._transaction() as db:
            return await _link(db, official_id, platform, external_id, now)

    async def touch_identity(self, platform: str, external_id: str, now: datetime) -> None:
        """Record a successful use of an account (a message from or to it); clears unreachable."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE identities SET last_used_at = ?, unreachable_at = NULL,"
                " unreachable_reason = NULL WHERE platform = ? AND external_id = ?",
                (_iso(now), platform, external_id),
            )

    async def mark_unreachable(
        self, platform: str, external_id: str, reason: str, now: datetime
    ) -> None:
        """Record that the platform refused to deliver to this account, and why."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE identities SET unreachable_at = ?, unreachable_reason = ?"
                " WHERE platform = ? AND external_id = ?",
                (_iso(now), reason[:500], platform, external_id),
            )

    async def recipients(self, unit_id: int) -> list[Recipient]:
        """The active officials of a unit, each with their accounts, the one to use first.

        The preferred platform comes first when set, then reachable accounts before ones
        marked unreachable, then the most recently used. Officials with no account are listed
        with no addresses.
        """
        return (await self.recipients_in([unit_id])).get(unit_id, [])

    async def recipients_in(self, unit_ids: Sequence[int]) -> dict[int, list[Recipient]]:
        """`recipients` of several units in one query, by unit (units with nobody left out)."""
        if not unit_ids:
            return {}
        marks = ",".join("?" * len(unit_ids))
        rows = await self._all(
            "SELECT o.id, o.name, i.platform, i.external_id, o.locale, o.unit_id FROM officials o"
            " LEFT JOIN identities i ON i.official_id = o.id"
            f" WHERE o.unit_id IN ({marks}) AND o.active = 1"
            " ORDER BY o.id, i.platform IS o.preferred_platform DESC,"
            " i.unreachable_at IS NOT NULL, i.last_used_at IS NULL, i.last_used_at DESC,"
            " i.linked_at DESC",
            list(unit_ids),
        )
        people: dict[int, list[Recipient]] = {}
        for (official_id, name, locale, unit), group in groupby(
            rows, key=lambda r: (r[0], r[1], r[4], r[5])
        ):
            addresses = tuple((r[2], r[3]) for r in group if r[2] is not None)
            people.setdefault(unit, []).append(Recipient(official_id, name, addresses, locale))
        return people

    # -- roster --------------------------------------------------------------

    async def apply_roster(
        self,
        units: Sequence[RosterUnit],
        people: Sequence[RosterPerson],
        deactivate: Sequence[int],
        now: datetime,
    ) -> None:
        """Write a validated roster in one transaction: its units, the officials to add or
        change, and the deactivation of those it no longer lists."""
        async with self._transaction() as db:
            ids = await _write_units(db, units)
            # Renamed officials first give up their names, so two people swapping names (or
            # units) do not collide on UNIQUE (unit_id, name) half-way through.
            for person in people:
                if person.official_id is not None:
                    await db.execute(
                        "UPDATE officials SET name = name || char(1) || id WHERE id = ?",
                        (person.official_id,),
                    )
            for person in people:
                values = (ids[person.unit_key], person.name, person.role, person.phone)
                if person.official_id is None:
                    cur = await db.execute(
                        "INSERT INTO officials (unit_id, name, role, phone) VALUES (?, ?, ?, ?)",
                        values,
                    )
                    official_id = cast(int, cur.lastrowid)
                else:
                    official_id = person.official_id
                    await db.execute(
                        "UPDATE officials SET unit_id = ?, name = ?, role = ?, phone = ?,"
                        " active = 1, deactivated_at = NULL WHERE id = ?",
                        (*values, official_id),
                    )
                for platform, external_id in person.identities:
                    await _link(db, official_id, platform, external_id, now)
            await db.executemany(
                "UPDATE officials SET active = 0, deactivated_at = ? WHERE id = ? AND active = 1",
                [(_iso(now), official_id) for official_id in deactivate],
            )

    # -- invites -------------------------------------------------------------

    async def create_invite(
        self, official_id: int, code: str, now: datetime, expires_at: datetime
    ) -> None:
        """Store a one-time sign-up code (hashed) for an official; earlier unused ones lapse."""
        async with self._transaction() as db:
            await db.execute(
                "DELETE FROM invites WHERE official_id = ? AND used_at IS NULL", (official_id,)
            )
            await db.execute(
                "INSERT INTO invites (code_hash, official_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (invite_hash(code), official_id, _iso(now), _iso(expires_at)),
            )

    async def redeem_invite(
        self, code: str, platform: str, external_id: str, now: datetime
    ) -> Official | None:
        """Link the account that sent a valid, unused, unexpired code to the code's official.

        None when the code is unknown, used, expired, its official is no longer active, or the
        account already belongs to another official.
        """
        if len(code) > _MAX_CODE or len(external_id) > _MAX_EXTERNAL_ID:
            return None
        async with self._transaction() as db:
            cur = await db.execute(
                "SELECT i.official_id FROM invites i JOIN officials o ON o.id = i.official_id"
                " WHERE i.code_hash = ? AND i.used_at IS NULL AND i.expires_at > ?"
                " AND o.active = 1",
                (invite_hash(code), _iso(now)),
            )
            row = await cur.fetchone()
            if row is None:
                return None
            try:
                await _link(db, row[0], platform, external_id, now)
            except IdentityTaken:
                return None
            await db.execute(
                "UPDATE invites SET used_at = ? WHERE code_hash = ?", (_iso(now), invite_hash(code))
            )
        return await self.official(row[0])

    async def set_locale(self, official_id: int, locale: str | None) -> None:
        """Remember the language an official chose (None: follow their app)."""
        async with self._transaction() as db:
            await db.execute("UPDATE officials SET locale = ? WHERE id = ?", (locale, official_id))

    async def link_by_phone(
        self, phone: str, platform: str, external_id: str, now: datetime
    ) -> Official | None:
        """Link an account to the one active official with this phone number in the roster.

        None when no official or several have it, or the account belongs to someone else.
        """
        wanted = phone_key(phone)
        if len(wanted) < 9 or len(external_id) > _MAX_EXTERNAL_ID:
            return None
        rows = await self._all(
            "SELECT id, phone FROM officials WHERE active = 1 AND phone IS NOT NULL"
        )
        found = [r[0] for r in rows if phone_key(r[1]) == wanted]
        if len(found) != 1:
            return None
        async with self._transaction() as db:
            try:
                await _link(db, found[0], platform, external_id, now)
            except IdentityTaken:
                return None
        return await self.official(found[0])


def phone_key(phone: str) -> str:
    """A phone number as digits in the national form: "+84 912 345 678" → "0912345678"."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


class IdentityTaken(ValueError):
    """A chat account that is already linked to another official."""


_MAX_EXTERNAL_ID = 64
_MAX_CODE = 64


def invite_hash(code: str) -> str:
    """The stored form of an invite code: case, spaces and dashes do not matter."""
    canonical = "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


async def _link(
    db: Connection, official_id: int, platform: str, external_id: str, now: datetime
) -> Change:
    cur = await db.execute(
        "SELECT official_id FROM identities WHERE platform = ? AND external_id = ?",
        (platform, external_id),
    )
    holder = await cur.fetchone()
    if holder is not None:
        if holder[0] != official_id:
            raise IdentityTaken(f"{platform}:{external_id}")
        return "unchanged"
    cur = await db.execute(
        "DELETE FROM identities WHERE official_id = ? AND platform = ?", (official_id, platform)
    )
    replaced = cur.rowcount > 0
    await db.execute(
        "INSERT INTO identities (platform, external_id, official_id, linked_at)"
        " VALUES (?, ?, ?, ?)",
        (platform, external_id, official_id, _iso(now)),
    )
    return "changed" if replaced else "added"


async def _write_units(db: Connection, units: Sequence[RosterUnit]) -> dict[str, int]:
    cur = await db.execute("SELECT key, id, parent_id FROM units")
    existing = {row[0]: (row[1], row[2]) for row in await cur.fetchall()}
    ids: dict[str, int] = {}
    for unit in units:
        parent_id = ids[unit.parent_key] if unit.parent_key else None
        if unit.key not in existing:
            cur = await db.execute(
                "INSERT INTO units (name, key, parent_id) VALUES (?, ?, ?)",
                (unit.name, unit.key, parent_id),
            )
            ids[unit.key] = cast(int, cur.lastrowid)
            continue
        unit_id, old_parent = existing[unit.key]
        if parent_id is not None and parent_id != old_parent:
            await db.execute("UPDATE units SET parent_id = ? WHERE id = ?", (parent_id, unit_id))
        ids[unit.key] = unit_id
    return ids
