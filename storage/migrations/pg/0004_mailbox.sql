-- PostgreSQL twin of ../0004_mailbox.sql.
CREATE TABLE inbox (
    id          BIGSERIAL PRIMARY KEY,
    platform    TEXT NOT NULL,
    key         TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    request     TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'done')),
    received_at TEXT NOT NULL,
    handled_at  TEXT,
    UNIQUE (platform, key)
);
CREATE INDEX inbox_new ON inbox(id) WHERE state = 'new';

CREATE TABLE outbox (
    id          BIGSERIAL PRIMARY KEY,
    key         TEXT UNIQUE,
    platform    TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    official_id BIGINT REFERENCES officials(id),
    reply       TEXT NOT NULL,
    task_id     BIGINT REFERENCES tasks(id) ON DELETE SET NULL,
    pending_id  BIGINT REFERENCES pending_imports(id) ON DELETE SET NULL,
    bulk        INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    pieces_sent INTEGER NOT NULL DEFAULT 0,
    due_at      TEXT NOT NULL,
    lease_until TEXT,
    error       TEXT,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX outbox_due ON outbox(bulk, due_at, id) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_chat ON outbox(platform, chat_id, id);

CREATE TABLE outbox_files (
    rowid     BIGSERIAL,
    outbox_id BIGINT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('document', 'photo')),
    data      BYTEA NOT NULL,
    PRIMARY KEY (outbox_id, seq)
);

CREATE TABLE message_links (
    rowid      BIGSERIAL,
    platform   TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    message_id TEXT NOT NULL,
    outbox_id  BIGINT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    PRIMARY KEY (platform, chat_id, message_id)
);

INSERT INTO outbox (key, platform, chat_id, reply, task_id, state, due_at, created_at)
SELECT 'legacy:t:' || platform || ':' || chat_id || ':' || message_id, platform, chat_id,
       '{"text": ""}', task_id, 'sent', '1970-01-01T00:00:00+00:00', '1970-01-01T00:00:00+00:00'
FROM message_tasks ORDER BY rowid;
INSERT INTO message_links (platform, chat_id, message_id, outbox_id)
SELECT m.platform, m.chat_id, CAST(m.message_id AS TEXT), o.id FROM message_tasks m
JOIN outbox o ON o.key = 'legacy:t:' || m.platform || ':' || m.chat_id || ':' || m.message_id
ORDER BY m.rowid;
INSERT INTO outbox (key, platform, chat_id, reply, pending_id, state, due_at, created_at)
SELECT 'legacy:i:' || platform || ':' || chat_id || ':' || message_id, platform, chat_id,
       '{"text": ""}', pending_id, 'sent', '1970-01-01T00:00:00+00:00', '1970-01-01T00:00:00+00:00'
FROM message_imports ORDER BY rowid;
INSERT INTO message_links (platform, chat_id, message_id, outbox_id)
SELECT m.platform, m.chat_id, CAST(m.message_id AS TEXT), o.id FROM message_imports m
JOIN outbox o ON o.key = 'legacy:i:' || m.platform || ':' || m.chat_id || ':' || m.message_id
ORDER BY m.rowid
ON CONFLICT DO NOTHING;
DROP TABLE message_tasks;
DROP TABLE message_imports;
