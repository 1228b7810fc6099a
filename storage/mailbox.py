"""Queries on the inbox, the outbox and the links from sent messages back to their rows."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.transports.contract import OutFile, Reply
from storage.base import Connection, StoreBase, _iso

# How long an update being handled belongs to one replica (PostgreSQL only).
INBOX_LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class Incoming:
    """An update as received: its platform, its unique key there, its chat, the request."""

    platform: str
    key: str
    chat_id: str
    request: dict[str, Any]


@dataclass(frozen=True)
class InboxRow:
    """A stored update still to be handled."""

    id: int
    platform: str
    chat_id: str
    request: dict[str, Any]


@dataclass(frozen=True)
class Outgoing:
    """A message owed to one chat on one platform."""

    platform: str
    chat_id: str
    reply: Reply
    official_id: int | None = None
    key: str | None = None
    bulk: bool = False


@dataclass(frozen=True)
class OutboxRow:
    """A claimed outbox message, with what has been sent of it so far."""

    id: int
    platform: str
    chat_id: str
    official_id: int | None
    reply: Reply
    attempts: int
    pieces_sent: int
    bulk: bool


_ENQUEUE_SQL = (
    "INSERT OR IGNORE INTO outbox (key, platform, chat_id, official_id, reply, task_id,"
    " pending_id, bulk, due_at, created_at)"
)
# Messages per INSERT: 10 parameters each, well under SQLite's limit of 32,766.
_ENQUEUE_RUN = 200


def _outbox_values(item: Outgoing, now: datetime) -> tuple[Any, ...]:
    reply = item.reply
    return (
        item.key,
        item.platform,
        item.chat_id,
        item.official_id,
        _reply_json(reply),
        reply.task_id,
        reply.pending_id,
        int(item.bulk),
        _iso(now),
        _iso(now),
    )


def _reply_json(reply: Reply) -> str:
    return json.dumps(
        {
            "text": reply.text,
            "buttons": [list(b) for b in reply.buttons],
            "task_id": reply.task_id,
            "pending_id": reply.pending_id,
            "edit_of": reply.edit_of,
            "force_reply": reply.force_reply,
            "ask_contact": reply.ask_contact,
            "expects": reply.expects,
        },
        ensure_ascii=False,
    )


def _reply_of(raw: str, files: tuple[OutFile, ...]) -> Reply:
    data = json.loads(raw)
    return Reply(
        data.get("text", ""),
        task_id=data.get("task_id"),
        pending_id=data.get("pending_id"),
        buttons=tuple((str(a), str(b)) for a, b in data.get("buttons", [])),
        files=files,
        edit_of=data.get("edit_of"),
        force_reply=bool(data.get("force_reply")),
        ask_contact=bool(data.get("ask_contact")),
        expects=data.get("expects"),
    )


class MailboxQueries(StoreBase):
    """The inbox, the outbox and message links."""

    # -- inbox -----------------------------------------------------------------

    async def receive(self, updates: Sequence[Incoming], now: datetime) -> int:
        """Store updates before they are confirmed to the platform; how many were new."""
        if not updates:
            return 0
        added = 0
        async with self._transaction() as db:
            for u in updates:
                cur = await db.execute(
                    "INSERT OR IGNORE INTO inbox (platform, key, chat_id, request, received_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (u.platform, u.key, u.chat_id, json.dumps(u.request), _iso(now)),
                )
                added += cur.rowcount
        return added

    async def unhandled(self, platforms: Sequence[str], limit: int = 100) -> list[InboxRow]:
        """Stored updates not yet handled, oldest first.

        On PostgreSQL, where several replicas read one inbox, the rows are claimed: leased to
        this replica for INBOX_LEASE, so another takes them only if this one died meanwhile.
        """
        marks = ",".join("?" * len(platforms))
        if self._claim:
            return await self._claim_updates(marks, platforms, limit)
        rows = await self._all(
            "SELECT id, platform, chat_id, request FROM inbox"
            f" WHERE state = 'new' AND platform IN ({marks}) ORDER BY id LIMIT ?",
            (*platforms, limit),
        )
        return [InboxRow(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    async def _claim_updates(
        self, marks: str, platforms: Sequence[str], limit: int
    ) -> list[InboxRow]:
        # A lease is about real time (a replica's death), not the clock the handlers see.
        now = datetime.now(UTC)
        async with self._transaction() as db:
            rows = await (
                await db.execute(
                    "UPDATE inbox SET lease_until = ? WHERE id IN (SELECT id FROM inbox"
                    f" WHERE state = 'new' AND platform IN ({marks})"
                    " AND (lease_until IS NULL OR lease_until <= ?)"
                    f" ORDER BY id LIMIT ?{self._claim}) RETURNING id, platform, chat_id, request",
                    (_iso(now + INBOX_LEASE), *platforms, _iso(now), limit),
                )
            ).fetchall()
        return [
            InboxRow(r[0], r[1], r[2], json.loads(r[3])) for r in sorted(rows, key=lambda r: r[0])
        ]

    async def finish_update(
        self, inbox_id: int, outgoing: Sequence[Outgoing], now: datetime
    ) -> bool:
        """Mark an update handled and owe its answers, in one transaction; False if done before."""
        async with self._transaction() as db:
            cur = await db.execute(
                "UPDATE inbox SET state = 'done', handled_at = ? WHERE id = ? AND state = 'new'",
                (_iso(now), inbox_id),
            )
            if cur.rowcount == 0:
                return False
            await self.enqueue(outgoing, now)
        return True

    async def received_text(self, platform: str, chat_id: str, message_id: str) -> str | None:
        """The text of a message received in a chat (kept while the inbox keeps it)."""
        row = await self._one(
            "SELECT json_extract(request, '$.text') FROM inbox WHERE platform = ? AND chat_id = ?"
            " AND json_extract(request, '$.message_id') = ? ORDER BY id DESC LIMIT 1",
            (platform, chat_id, message_id),
        )
        return str(row[0]) if row and row[0] is not None else None

    async def choices_of_message(
        self, platform: str, chat_id: str, message_id: str
    ) -> tuple[tuple[str, str], ...]:
        """The choices a sent message offered."""
        row = await self._one(
            "SELECT o.reply FROM message_links m JOIN outbox o ON o.id = m.outbox_id"
            " WHERE m.platform = ? AND m.chat_id = ? AND m.message_id = ?",
            (platform, chat_id, message_id),
        )
        return _reply_of(row[0], ()).buttons if row else ()

    async def prune_inbox(self, before: datetime) -> int:
        """Forget handled updates received before `before`; how many."""
        async with self._transaction() as db:
            cur = await db.execute(
                "DELETE FROM inbox WHERE state = 'done' AND received_at < ?", (_iso(before),)
            )
            return cur.rowcount

    # -- outbox ----------------------------------------------------------------

    async def enqueue(self, outgoing: Sequence[Outgoing], now: datetime) -> list[int]:
        """Owe messages (joining the caller's transaction, if any); ids of the new rows."""
        ids: list[int] = []
        async with self._transaction() as db:
            # Runs of messages without files go in one statement each (a round trip per message
            # was most of a PostgreSQL sweep), in order, so the ids keep the order of sending.
            run: list[Outgoing] = []
            for item in outgoing:
                if item.reply.files:
                    ids += await self._enqueue_run(db, run, now)
                    run = []
                    ids += await self._enqueue_with_files(db, item, now)
                    continue
                run.append(item)
                if len(run) == _ENQUEUE_RUN:
                    ids += await self._enqueue_run(db, run, now)
                    run = []
            ids += await self._enqueue_run(db, run, now)
        return ids

    async def _enqueue_run(
        self, db: Connection, run: Sequence[Outgoing], now: datetime
    ) -> list[int]:
        if not run:
            return []
        marks = ",".join("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" for _ in run)
        rows = await db.execute_fetchall(
            f"{_ENQUEUE_SQL} VALUES {marks} RETURNING id",
            [x for item in run for x in _outbox_values(item, now)],
        )
        return sorted(int(r[0]) for r in rows)

    async def _enqueue_with_files(self, db: Connection, item: Outgoing, now: datetime) -> list[int]:
        cur = await db.execute(
            f"{_ENQUEUE_SQL} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _outbox_values(item, now)
        )
        if cur.rowcount == 0:
            return []
        row_id = int(cur.lastrowid or 0)
        for seq, file in enumerate(item.reply.files):
            await db.execute(
                "INSERT INTO outbox_files (outbox_id, seq, name, kind, data) VALUES (?, ?, ?, ?, ?)",
                (row_id, seq, file.name, file.kind, file.data),
            )
        return [row_id]

    async def claim_outgoing(
        self,
        platforms: Sequence[str],
        now: datetime,
        lease: timedelta,
        limit: int,
        *,
        bulk_limit: int | None = None,
        busy: Collection[str] = (),
    ) -> list[OutboxRow]:
        """Take owed messages that are due (answers first), leased to this sender for a while.

        Of bulk messages at most `bulk_limit`, one per chat and none to the `busy` chats (a
        sender's chats in flight): the rest would only wait for their chat's turn. A row whose
        lease ran out belongs to a sender that died mid-send and is taken again.
        """
        moment = _iso(now)
        async with self._transaction() as db:
            rows = await self._owed(db, platforms, moment, False, limit)
            room = limit - len(rows)
            if bulk_limit is not None:
                room = min(room, bulk_limit)
            if room > 0:
                taken, chats = 0, set(busy)
                for row in await self._owed(db, platforms, moment, True, room * 4):
                    if row[2] not in chats and taken < room:
                        chats.add(row[2])
                        rows.append(row)
                        taken += 1
            if not rows:
                return []
            ids = [r[0] for r in rows]
            id_marks = ",".join("?" * len(ids))
            await db.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, lease_until = ?"
                f" WHERE id IN ({id_marks})",
                (_iso(now + lease), *ids),
            )
            async with db.execute(
                "SELECT outbox_id, name, kind, data FROM outbox_files"
                f" WHERE outbox_id IN ({id_marks}) ORDER BY outbox_id, seq",
                ids,
            ) as cur:
                files: dict[int, list[OutFile]] = {}
                for f in await cur.fetchall():
                    files.setdefault(f[0], []).append(OutFile(f[1], bytes(f[3]), f[2]))
        return [
            OutboxRow(
                id=r[0],
                platform=r[1],
                chat_id=r[2],
                official_id=r[3],
                reply=_reply_of(r[4], tuple(files.get(r[0], ()))),
                attempts=r[5] + 1,
                pieces_sent=r[6],
                bulk=bool(r[7]),
            )
            for r in rows
        ]

    async def _owed(
        self, db: Connection, platforms: Sequence[str], moment: str, bulk: bool, limit: int
    ) -> list[Any]:
        marks = ",".join("?" * len(platforms))
        async with db.execute(
            "SELECT id, platform, chat_id, official_id, reply, attempts, pieces_sent, bulk"
            f" FROM outbox WHERE state IN ('pending', 'sending') AND platform IN ({marks})"
            " AND bulk = ? AND due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)"
            f" ORDER BY due_at, id LIMIT ?{self._claim}",
            (*platforms, int(bulk), moment, moment, limit),
        ) as cur:
            return list(await cur.fetchall())

    async def piece_sent(
        self, outbox_id: int, platform: str, chat_id: str, message_id: str | None, piece: int
    ) -> None:
        """Record that piece number `piece` (from 1) went out, and link its message to the row."""
        async with self._transaction() as db:
            await db.execute("UPDATE outbox SET pieces_sent = ? WHERE id = ?", (piece, outbox_id))
            if message_id is not None:
                await db.execute(
                    "INSERT OR REPLACE INTO message_links (platform, chat_id, message_id,"
                    " outbox_id) VALUES (?, ?, ?, ?)",
                    (platform, chat_id, message_id, outbox_id),
                )

    async def outgoing_sent(self, outbox_id: int, now: datetime) -> None:
        """Record that a message went out whole."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE outbox SET state = 'sent', sent_at = ?, lease_until = NULL, error = NULL"
                " WHERE id = ?",
                (_iso(now), outbox_id),
            )

    async def outgoing_later(self, outbox_id: int, due_at: datetime, error: str) -> None:
        """Put a message back to be tried again at `due_at`."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE outbox SET state = 'pending', due_at = ?, lease_until = NULL, error = ?"
                " WHERE id = ?",
                (_iso(due_at), error[:500], outbox_id),
            )

    async def extend_lease(self, outbox_id: int, until: datetime) -> None:
        """Keep a message being sent leased to this sender until `until` (a long making)."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE outbox SET lease_until = ? WHERE id = ? AND state = 'sending'",
                (_iso(until), outbox_id),
            )

    async def outgoing_released(self, outbox_id: int) -> None:
        """Give back a claimed message not yet tried (the sender is stopping): owed as before."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE outbox SET state = 'pending', lease_until = NULL,"
                " attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END"
                " WHERE id = ? AND state = 'sending'",
                (outbox_id,),
            )

    async def outgoing_failed(self, outbox_id: int, error: str, now: datetime) -> None:
        """Give a message up: the platform refuses it for good."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE outbox SET state = 'failed', lease_until = NULL, error = ?, sent_at = ?"
                " WHERE id = ?",
                (error[:500], _iso(now), outbox_id),
            )

    async def owed_count(self, platforms: Sequence[str], now: datetime | None = None) -> int:
        """Messages still owed on these platforms (due by `now`, when given)."""
        marks = ",".join("?" * len(platforms))
        sql = (
            f"SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')"
            f" AND platform IN ({marks})"
        )
        params: list[Any] = list(platforms)
        if now is not None:
            sql += " AND due_at <= ?"
            params.append(_iso(now))
        row = await self._one(sql, params)
        return int(row[0])

    async def outbox_states(self) -> list[tuple[int, str, str, str, int]]:
        """Every outbox row as (id, platform, chat, state, attempts): for tests and the CLI."""
        rows = await self._all(
            "SELECT id, platform, chat_id, state, attempts FROM outbox ORDER BY id"
        )
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def latest_choices(self, platform: str, chat_id: str) -> tuple[tuple[str, str], ...]:
        """The choices of the newest message sent to a chat, for answers given by number."""
        row = await self._one(
            "SELECT reply FROM outbox WHERE platform = ? AND chat_id = ? AND state = 'sent'"
            " ORDER BY id DESC LIMIT 1",
            (platform, chat_id),
        )
        return _reply_of(row[0], ()).buttons if row else ()

    # -- links from sent messages ------------------------------------------------

    async def latest_linked_message(self, platform: str, chat_id: str) -> str | None:
        """The newest bot message in a chat that is about a task or an import."""
        row = await self._one(
            "SELECT m.message_id FROM message_links m JOIN outbox o ON o.id = m.outbox_id"
            " WHERE m.platform = ? AND m.chat_id = ?"
            " AND (o.task_id IS NOT NULL OR o.pending_id IS NOT NULL)"
            " ORDER BY o.id DESC, m.rowid DESC LIMIT 1",
            (platform, chat_id),
        )
        return str(row[0]) if row else None

    async def _linked(self, column: str, platform: str, chat_id: str, message_id: str) -> Any:
        row = await self._one(
            f"SELECT o.{column} FROM message_links m JOIN outbox o ON o.id = m.outbox_id"
            " WHERE m.platform = ? AND m.chat_id = ? AND m.message_id = ?",
            (platform, chat_id, str(message_id)),
        )
        return row[0] if row else None

    async def expectation_of_message(
        self, platform: str, chat_id: str, message_id: str
    ) -> str | None:
        """What a reply to this bot message means, if it asked for something in particular."""
        found = await self._linked("reply", platform, chat_id, message_id)
        return json.loads(found).get("expects") if found else None

    async def task_of_message(self, platform: str, chat_id: str, message_id: str) -> int | None:
        """The task a bot message was about, if it was about one."""
        found = await self._linked("task_id", platform, chat_id, message_id)
        return int(found) if found is not None else None

    async def import_of_message(self, platform: str, chat_id: str, message_id: str) -> int | None:
        """The import a bot message previews, if it previews one."""
        found = await self._linked("pending_id", platform, chat_id, message_id)
        return int(found) if found is not None else None
