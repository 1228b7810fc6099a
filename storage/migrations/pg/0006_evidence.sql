-- PostgreSQL twin of ../0006_evidence.sql.
CREATE TABLE evidence (
    id          BIGSERIAL PRIMARY KEY,
    task_id     BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    official_id BIGINT NOT NULL REFERENCES officials(id),
    file_name   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('document', 'photo')),
    size        INTEGER NOT NULL,
    data        BYTEA NOT NULL,
    source      TEXT UNIQUE,
    created_at  TEXT NOT NULL
);
CREATE INDEX evidence_task ON evidence(task_id, id);
CREATE INDEX updates_duplicate ON updates(task_id, official_id, created_at);
ALTER TABLE officials ADD COLUMN locale TEXT;
