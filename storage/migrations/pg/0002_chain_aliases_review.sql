-- PostgreSQL twin of ../0002_chain_aliases_review.sql.
CREATE TABLE unit_aliases (
    rowid   BIGSERIAL,
    key     TEXT PRIMARY KEY,
    alias   TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE
);

ALTER TABLE directives ADD COLUMN source_sha256 TEXT;
ALTER TABLE directives ADD COLUMN issuer_unit_id BIGINT REFERENCES units(id);
ALTER TABLE directive_parents ADD COLUMN parent_id BIGINT REFERENCES directives(id) ON DELETE SET NULL;
ALTER TABLE tasks ADD COLUMN parent_task_id BIGINT REFERENCES tasks(id) ON DELETE SET NULL;
CREATE INDEX directive_parents_code ON directive_parents(code);

CREATE TABLE pending_imports (
    id          BIGSERIAL PRIMARY KEY,
    official_id BIGINT NOT NULL REFERENCES officials(id),
    file_name   TEXT NOT NULL,
    text        TEXT NOT NULL,
    edits       TEXT NOT NULL DEFAULT '{}',
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'confirmed', 'cancelled')),
    created_at  TEXT NOT NULL
);

CREATE TABLE message_imports (
    rowid      BIGSERIAL,
    platform   TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    message_id BIGINT NOT NULL,
    pending_id BIGINT NOT NULL REFERENCES pending_imports(id) ON DELETE CASCADE,
    PRIMARY KEY (platform, chat_id, message_id)
);
