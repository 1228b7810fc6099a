"""Identities per platform, invites, and the migration that moved the roster's ids into them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.domain import Official, Recipient
from storage import Store
from storage.migrate import FOREIGN_KEYS_OFF, _apply, migrations
from storage.org import IdentityTaken

NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)


async def test_official_by_platform_and_id(store: Store, roster: dict[str, Official]) -> None:
    tam = roster["Võ Thanh Tâm"]
    assert await store.official_by("telegram", "100011") == tam
    assert await store.official_by("zalo", "100011") is None
    assert await store.official_by("telegram", "1" * 500) is None
    assert await store.official_by("console", str(tam.id)) == tam
    assert await store.official_by("console", "9" * 40) is None
    assert await store.official_by("console", "²") is None


async def test_link_replaces_the_old_account_and_refuses_someone_elses(
    store: Store, roster: dict[str, Official]
) -> None:
    tam, mai = roster["Võ Thanh Tâm"], roster["Huỳnh Ngọc Mai"]
    assert await store.link_identity(tam.id, "zalo", "z-tam", NOW) == "added"
    assert await store.link_identity(tam.id, "zalo", "z-tam", NOW) == "unchanged"
    assert await store.link_identity(tam.id, "telegram", "555", NOW) == "changed"
    assert await store.official_by("telegram", "100011") is None
    assert await store.official_by("telegram", "555") == tam
    with pytest.raises(IdentityTaken):
        await store.link_identity(mai.id, "zalo", "z-tam", NOW)
    assert [(i.platform, i.external_id) for i in await store.identities(tam.id)] == [
        ("telegram", "555"),
        ("zalo", "z-tam"),
    ]


async def test_recipients_most_recently_used_first_unless_a_channel_is_chosen(
    store: Store, roster: dict[str, Official]
) -> None:
    tam = roster["Võ Thanh Tâm"]
    await store.link_identity(tam.id, "zalo", "z-tam", NOW)
    await store.touch_identity("zalo", "z-tam", NOW)
    await store.touch_identity("telegram", "100011", NOW - timedelta(days=1))

    def first(people: list[Recipient]) -> tuple[str, str]:
        return next(p for p in people if p.official_id == tam.id).addresses[0]

    assert first(await store.recipients(tam.unit_id)) == ("zalo", "z-tam")
    await store.mark_unreachable("zalo", "z-tam", "429 quota", NOW)
    assert first(await store.recipients(tam.unit_id)) == ("telegram", "100011")
    [zalo] = [i for i in await store.identities(tam.id) if i.platform == "zalo"]
    assert (zalo.unreachable_at, zalo.unreachable_reason) == (NOW, "429 quota")
    await store.touch_identity("zalo", "z-tam", NOW + timedelta(hours=1))  # reached again
    assert first(await store.recipients(tam.unit_id)) == ("zalo", "z-tam")
    await store.set_preferred_platform(tam.id, "telegram")
    people = await store.recipients(tam.unit_id)
    assert first(people) == ("telegram", "100011")
    assert next(p for p in people if p.official_id == tam.id).address_on("zalo") == "z-tam"


async def test_recipients_include_officials_without_an_account(store: Store) -> None:
    unit, _ = await store.upsert_unit("Phòng A", "phòng a", None)
    official_id = await store.add_official(unit.id, "An", "member")
    [person] = await store.recipients(unit.id)
    assert (person.official_id, person.addresses) == (official_id, ())


async def test_an_invite_links_once_and_expires(store: Store, roster: dict[str, Official]) -> None:
    mai = roster["Huỳnh Ngọc Mai"]
    await store.create_invite(mai.id, "ABCD234567", NOW, NOW + timedelta(days=7))
    assert await store.redeem_invite("WRONG23456", "zalo", "z-mai", NOW) is None
    assert await store.redeem_invite("x" * 10_000, "zalo", "z-mai", NOW) is None
    # Someone else's account cannot take the code.
    assert await store.redeem_invite("abcd-234567", "telegram", "100011", NOW) is None
    assert await store.redeem_invite(" abcd-234567 ", "zalo", "z-mai", NOW) == mai
    assert await store.official_by("zalo", "z-mai") == mai
    assert await store.redeem_invite("ABCD234567", "zalo", "z-other", NOW) is None  # used
    await store.create_invite(mai.id, "EFGH234567", NOW, NOW + timedelta(days=1))
    assert await store.redeem_invite("EFGH234567", "zalo", "z-mai", NOW + timedelta(days=2)) is None


async def test_a_new_invite_replaces_the_unused_one(
    store: Store, roster: dict[str, Official]
) -> None:
    mai = roster["Huỳnh Ngọc Mai"]
    await store.create_invite(mai.id, "ABCD234567", NOW, NOW + timedelta(days=7))
    await store.create_invite(mai.id, "EFGH234567", NOW, NOW + timedelta(days=7))
    assert await store.redeem_invite("ABCD234567", "zalo", "z-mai", NOW) is None
    assert await store.redeem_invite("EFGH234567", "zalo", "z-mai", NOW) == mai


def _version_2_database(path: Path) -> None:
    """A database as dondoc left it before identities, with people, notes and nudges."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for version, sql in migrations()[:2]:
        db.executescript(sql)
        db.execute("INSERT INTO schema_version VALUES (?)", (version,))
    db.executescript(
        """
        INSERT INTO units (id, name, key, parent_id) VALUES (1, 'Phòng A', 'phòng a', NULL);
        INSERT INTO officials (id, unit_id, name, role, telegram_id, zalo_id, phone)
        VALUES (7, 1, 'An', 'head', 100, 'z-an', '0299'), (9, 1, 'Bình', 'member', NULL, NULL, NULL);
        INSERT INTO directives (id, key, code, source_text, created_at)
        VALUES (1, 'k', '1/KH', '', '2026-11-01T00:00:00+00:00');
        INSERT INTO tasks (id, directive_id, unit_id, seq, role, text, created_at)
        VALUES (1, 1, 1, 1, 'lead', 'Việc', '2026-11-01T00:00:00+00:00');
        INSERT INTO updates (task_id, official_id, text, created_at)
        VALUES (1, 7, 'đạt 40%', '2026-11-02T00:00:00+00:00');
        INSERT INTO nudges (task_id, official_id, kind, cycle, state, updated_at)
        VALUES (1, 9, 'due', '2026-12-01', 'sent', '2026-12-01T01:00:00+00:00');
        """
    )
    db.commit()
    db.close()


async def test_migration_moves_the_roster_ids_into_identities(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _version_2_database(path)
    async with Store.open(path) as store:
        an = await store.official_by("telegram", "100")
        assert an is not None and (an.id, an.name, an.phone, an.active) == (7, "An", "0299", True)
        assert await store.official_by("zalo", "z-an") == an
        assert [o.id for o in await store.officials()] == [7, 9]
        assert await store.update_count(1) == 1
        assert await store.nudge_states() == [(1, 9, "due", "2026-12-01", "sent")]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    columns = [row[1] for row in db.execute("PRAGMA table_info(officials)")]
    assert "telegram_id" not in columns and "active" in columns
    assert db.execute("PRAGMA foreign_keys").fetchone() == (0,)  # a fresh connection's default
    db.close()


async def test_a_rebuild_that_breaks_foreign_keys_is_rolled_back(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    async with Store.open(path):
        pass
    async with aiosqlite.connect(path) as db:
        await db.execute("PRAGMA foreign_keys = ON")
        broken = (
            f"{FOREIGN_KEYS_OFF}\n"
            "INSERT INTO identities (platform, external_id, official_id, linked_at)"
            " VALUES ('zalo', 'z', 999, '2026-01-01T00:00:00+00:00');"
        )
        with pytest.raises(RuntimeError, match="migration 99 breaks foreign keys"):
            await _apply(db, 99, broken)
        async with db.execute("SELECT COUNT(*) FROM identities") as cur:
            assert await cur.fetchone() == (0,)
        async with db.execute("SELECT MAX(version) FROM schema_version") as cur:
            assert await cur.fetchone() == (migrations()[-1][0],)
        async with db.execute("PRAGMA foreign_keys") as cur:
            assert await cur.fetchone() == (1,)  # switched back on
