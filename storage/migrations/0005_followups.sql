-- The follow-up engine: a due index (the next instant something may be owed for each open
-- task), the open reporting cycle of recurring duties, quiet periods (snooze, mute, leave),
-- extension requests, and the weekly digests already owed.
CREATE TABLE followups (
    task_id     INTEGER PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
    -- UTC ISO instant; '' sorts first and means "plan again at the next sweep".
    next_at     TEXT NOT NULL,
    -- The open cycle of a recurring duty ("2027-Q1") and when it opened: a note after that
    -- instant closes it.
    cycle       TEXT,
    cycle_since TEXT
);
CREATE INDEX followups_due ON followups(next_at);

INSERT INTO followups (task_id, next_at) SELECT id, '' FROM tasks WHERE status = 'open';

-- Whatever changes a task's follow-up makes it due for planning at once, whoever wrote it.
CREATE TRIGGER followups_new_task AFTER INSERT ON tasks BEGIN
    INSERT OR IGNORE INTO followups (task_id, next_at) VALUES (NEW.id, '');
END;
CREATE TRIGGER followups_task_changed AFTER UPDATE OF deadline, status, recurrence ON tasks BEGIN
    INSERT OR IGNORE INTO followups (task_id, next_at) VALUES (NEW.id, '');
    UPDATE followups SET next_at = '' WHERE task_id = NEW.id;
END;
CREATE TRIGGER followups_new_note AFTER INSERT ON updates BEGIN
    UPDATE followups SET next_at = '' WHERE task_id = NEW.task_id;
END;

-- An official's quiet period: one task (snooze, mute) or every task (leave, task_id NULL);
-- until NULL means until lifted.
CREATE TABLE quiet (
    id          INTEGER PRIMARY KEY,
    official_id INTEGER NOT NULL REFERENCES officials(id) ON DELETE CASCADE,
    task_id     INTEGER REFERENCES tasks(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('snooze', 'mute', 'leave')),
    until       TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX quiet_official ON quiet(official_id, task_id);

CREATE TABLE extensions (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    official_id INTEGER NOT NULL REFERENCES officials(id),
    wanted      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'granted', 'refused')),
    decided_by  INTEGER REFERENCES officials(id),
    created_at  TEXT NOT NULL,
    decided_at  TEXT
);
CREATE INDEX extensions_task ON extensions(task_id);

-- One row per digest week: claimed in the transaction that owes the week's digests.
CREATE TABLE digests (
    week     TEXT PRIMARY KEY,
    owed_at  TEXT NOT NULL
);
