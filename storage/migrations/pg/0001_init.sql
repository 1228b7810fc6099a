-- PostgreSQL twin of ../0001_init.sql (tests/test_migrations_pg.py keeps the two in step).
-- Tables without an integer id get a `rowid` column: the queries order by SQLite's rowid.
CREATE TABLE units (
    id        BIGSERIAL PRIMARY KEY,
    name      TEXT NOT NULL,
    key       TEXT NOT NULL UNIQUE,
    parent_id BIGINT REFERENCES units(id)
);

CREATE TABLE officials (
    id          BIGSERIAL PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('member', 'head', 'leader', 'admin')),
    telegram_id BIGINT UNIQUE,
    zalo_id     TEXT UNIQUE,
    phone       TEXT,
    UNIQUE (unit_id, name)
);

CREATE TABLE directives (
    id          BIGSERIAL PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    code        TEXT NOT NULL,
    kind        TEXT,
    issuer      TEXT,
    issued_on   TEXT,
    subject     TEXT,
    source_text TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE directive_parents (
    rowid        BIGSERIAL,
    directive_id BIGINT NOT NULL REFERENCES directives(id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    issued_on    TEXT,
    issuer       TEXT,
    PRIMARY KEY (directive_id, code)
);

CREATE TABLE tasks (
    id           BIGSERIAL PRIMARY KEY,
    directive_id BIGINT NOT NULL REFERENCES directives(id) ON DELETE CASCADE,
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    seq          INTEGER NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('lead', 'coordinate', 'unspecified')),
    text         TEXT NOT NULL,
    deadline     TEXT,
    recurrence   TEXT,
    report_to    TEXT,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    created_at   TEXT NOT NULL,
    UNIQUE (directive_id, unit_id, seq)
);
CREATE INDEX tasks_unit ON tasks(unit_id);

CREATE TABLE updates (
    id          BIGSERIAL PRIMARY KEY,
    task_id     BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    official_id BIGINT NOT NULL REFERENCES officials(id),
    text        TEXT NOT NULL,
    percent     INTEGER CHECK (percent BETWEEN 0 AND 100),
    status      TEXT,
    created_at  TEXT NOT NULL,
    source      TEXT UNIQUE
);
CREATE INDEX updates_task ON updates(task_id, id);

CREATE TABLE nudges (
    rowid       BIGSERIAL,
    task_id     BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    official_id BIGINT NOT NULL REFERENCES officials(id),
    kind        TEXT NOT NULL,
    cycle       TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'skipped', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (task_id, official_id, kind, cycle)
);

CREATE TABLE message_tasks (
    rowid      BIGSERIAL,
    platform   TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    message_id BIGINT NOT NULL,
    task_id    BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    PRIMARY KEY (platform, chat_id, message_id)
);
