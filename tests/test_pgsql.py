"""The rewrite of the queries' SQLite dialect for PostgreSQL (no server needed)."""

from __future__ import annotations

from storage.pgconn import Catalog, translate

CATALOG = Catalog(
    keys={"message_links": ("platform", "chat_id", "message_id"), "inbox": ("id",)},
    columns={
        "message_links": ("rowid", "platform", "chat_id", "message_id", "outbox_id"),
        "inbox": ("id", "platform", "key"),
        "nudges": ("task_id", "kind"),
    },
)


def test_placeholders_are_numbered_outside_string_literals() -> None:
    out = translate("SELECT '?' , x FROM t WHERE a = ? AND b IN (?, ?)", CATALOG)
    assert out.sql == "SELECT '?' , x FROM t WHERE a = $1 AND b IN ($2, $3)"
    assert not out.returns_id


def test_insert_or_ignore_does_nothing_on_conflict_and_returns_the_id() -> None:
    out = translate("INSERT OR IGNORE INTO inbox (platform, key) VALUES (?, ?)", CATALOG)
    assert out.sql == (
        "INSERT INTO inbox (platform, key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id"
    )
    assert out.returns_id
    other = translate("INSERT INTO nudges (task_id) VALUES (?)", CATALOG)
    assert other.sql.endswith("VALUES ($1) RETURNING 1") and other.writes and not other.returns_id


def test_updates_and_deletes_return_a_row_per_row_written() -> None:
    out = translate("UPDATE inbox SET key = ? WHERE id = ?", CATALOG)
    assert out.sql == "UPDATE inbox SET key = $1 WHERE id = $2 RETURNING 1" and out.writes
    assert not translate("SELECT 1", CATALOG).writes


def test_insert_or_replace_updates_the_row_with_that_key() -> None:
    out = translate(
        "INSERT OR REPLACE INTO message_links (platform, chat_id, message_id, outbox_id)"
        " VALUES (?, ?, ?, ?)",
        CATALOG,
    )
    assert out.sql.endswith(
        "ON CONFLICT (platform, chat_id, message_id)"
        " DO UPDATE SET outbox_id = EXCLUDED.outbox_id, rowid = DEFAULT RETURNING 1"
    )


def test_json_is_and_char_become_postgresql() -> None:
    out = translate(
        "SELECT json_extract(request, '$.text') FROM inbox"
        " WHERE a IS b AND c IS NOT d AND e IS NULL AND f IS NOT NULL AND g = char(1)",
        CATALOG,
    )
    assert out.sql == (
        "SELECT (request::jsonb ->> 'text') FROM inbox WHERE a IS NOT DISTINCT FROM b"
        " AND c IS DISTINCT FROM d AND e IS NULL AND f IS NOT NULL AND g = chr(1)"
    )


def test_on_conflict_goes_before_the_statements_own_returning() -> None:
    out = translate(
        "INSERT OR IGNORE INTO nudges (task_id, kind) VALUES (?, ?), (?, ?) RETURNING task_id",
        CATALOG,
    )
    assert out.sql == (
        "INSERT INTO nudges (task_id, kind) VALUES ($1, $2), ($3, $4)"
        " ON CONFLICT DO NOTHING RETURNING task_id"
    )


def test_named_parameters_id_lists_and_day_arithmetic() -> None:
    out = translate(
        "SELECT 1 FROM tasks t WHERE t.unit_id IN (SELECT value FROM json_each(:units))"
        " AND date(t.done_at, :offset) <= :as_of"
        " AND CAST(julianday(:as_of) - julianday(t.deadline) AS INTEGER) > 0",
        CATALOG,
    )
    assert out.names == ("units", "offset", "as_of")
    assert "jsonb_array_elements_text(($1)::text::jsonb)" in out.sql
    assert "to_char(((t.done_at)::text::timestamptz + ($2)::text::interval)" in out.sql
    assert "(($3)::text::date - DATE '2000-01-01') - ((t.deadline)::text::date" in out.sql
