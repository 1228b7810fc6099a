-- Unit aliases, the directive chain (parents and parent tasks), and imports awaiting review.
CREATE TABLE unit_aliases (
    key     TEXT PRIMARY KEY,
    alias   TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE
);

ALTER TABLE directives ADD COLUMN source_sha256 TEXT;
ALTER TABLE directives ADD COLUMN issuer_unit_id INTEGER REFERENCES units(id);
ALTER TABLE directive_parents ADD COLUMN parent_id INTEGER REFERENCES directives(id) ON DELETE SET NULL;
ALTER TABLE tasks ADD COLUMN parent_task_id INTEGER REFERENCES tasks(id) ON DELETE SET NULL;
CREATE INDEX directive_parents_code ON directive_parents(code);

-- A file sent in chat, kept with the reviewer's corrections until confirmed or cancelled.
CREATE TABLE pending_imports (
    id          INTEGER PRIMARY KEY,
    official_id INTEGER NOT NULL REFERENCES officials(id),
    file_name   TEXT NOT NULL,
    text        TEXT NOT NULL,
    edits       TEXT NOT NULL DEFAULT '{}',
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'confirmed', 'cancelled')),
    created_at  TEXT NOT NULL
);

-- Which import a bot message previews, so a reply to it corrects that import.
CREATE TABLE message_imports (
    platform   TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    message_id INTEGER NOT NULL,
    pending_id INTEGER NOT NULL REFERENCES pending_imports(id) ON DELETE CASCADE,
    PRIMARY KEY (platform, chat_id, message_id)
);
