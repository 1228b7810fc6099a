-- PostgreSQL twin of ../0005_followups.sql: each trigger runs a PL/pgSQL function.
CREATE TABLE followups (
    task_id     BIGINT PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
    next_at     TEXT NOT NULL,
    cycle       TEXT,
    cycle_since TEXT
);
CREATE INDEX followups_due ON followups(next_at);

INSERT INTO followups (task_id, next_at) SELECT id, '' FROM tasks WHERE status = 'open';

CREATE FUNCTION followups_plan_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO followups (task_id, next_at) VALUES (NEW.id, '')
    ON CONFLICT (task_id) DO UPDATE SET next_at = '';
    RETURN NULL;
END $$;
CREATE TRIGGER followups_new_task AFTER INSERT ON tasks
    FOR EACH ROW EXECUTE FUNCTION followups_plan_task();
CREATE TRIGGER followups_task_changed AFTER UPDATE OF deadline, status, recurrence ON tasks
    FOR EACH ROW EXECUTE FUNCTION followups_plan_task();

CREATE FUNCTION followups_new_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE followups SET next_at = '' WHERE task_id = NEW.task_id;
    RETURN NULL;
END $$;
CREATE TRIGGER followups_new_note AFTER INSERT ON updates
    FOR EACH ROW EXECUTE FUNCTION followups_new_note();

CREATE TABLE quiet (
    id          BIGSERIAL PRIMARY KEY,
    official_id BIGINT NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    task_id     BIGINT REFERENCES tasks(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('snooze', 'mute', 'leave')),
    until       TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX quiet_official ON quiet(official_id, task_id);

CREATE TABLE extensions (
    id          BIGSERIAL PRIMARY KEY,
    task_id     BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    official_id BIGINT NOT NULL REFERENCES officials(id),
    wanted      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'granted', 'refused')),
    decided_by  BIGINT REFERENCES officials(id),
    created_at  TEXT NOT NULL,
    decided_at  TEXT
);
CREATE INDEX extensions_task ON extensions(task_id);

CREATE TABLE digests (
    rowid    BIGSERIAL,
    week     TEXT PRIMARY KEY,
    owed_at  TEXT NOT NULL
);
