-- Files and photos officials send as evidence of a task; each official's chosen language.
CREATE TABLE evidence (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    official_id INTEGER NOT NULL REFERENCES officials(id),
    file_name   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('document', 'photo')),
    size        INTEGER NOT NULL,
    data        BLOB NOT NULL,
    source      TEXT UNIQUE,
    created_at  TEXT NOT NULL
);
CREATE INDEX evidence_task ON evidence(task_id, id);
CREATE INDEX updates_duplicate ON updates(task_id, official_id, created_at);
ALTER TABLE officials ADD COLUMN locale TEXT;
