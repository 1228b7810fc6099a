-- PostgreSQL twin of ../0007_reports.sql: the trigger is a PL/pgSQL function.
ALTER TABLE tasks ADD COLUMN last_update_id BIGINT;
ALTER TABLE tasks ADD COLUMN last_update_at TEXT;
ALTER TABLE tasks ADD COLUMN last_percent INTEGER;
ALTER TABLE tasks ADD COLUMN last_blocked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN done_at TEXT;
ALTER TABLE tasks ADD COLUMN note_count INTEGER NOT NULL DEFAULT 0;

CREATE FUNCTION updates_into_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tasks SET
        last_update_id = CASE WHEN last_update_at IS NULL OR NEW.created_at >= last_update_at
            THEN NEW.id ELSE last_update_id END,
        last_blocked = CASE WHEN last_update_at IS NULL OR NEW.created_at >= last_update_at
            THEN (NEW.status IS NOT DISTINCT FROM 'blocked' OR NEW.text LIKE '%vướng%'
                  OR NEW.text LIKE '%khó khăn%' OR NEW.text LIKE '%chưa có kinh phí%')::int
            ELSE last_blocked END,
        last_percent = CASE WHEN NEW.percent IS NOT NULL
            AND (last_update_at IS NULL OR NEW.created_at >= last_update_at)
            THEN NEW.percent ELSE last_percent END,
        last_update_at = greatest(coalesce(last_update_at, NEW.created_at), NEW.created_at),
        done_at = CASE WHEN NEW.status = 'done' THEN coalesce(done_at, NEW.created_at)
            WHEN NEW.status = 'open' THEN NULL ELSE done_at END,
        note_count = note_count + 1
    WHERE id = NEW.task_id;
    RETURN NULL;
END $$;
CREATE TRIGGER updates_into_task AFTER INSERT ON updates
    FOR EACH ROW EXECUTE FUNCTION updates_into_task();

UPDATE tasks SET
    last_update_id = (SELECT id FROM updates WHERE task_id = tasks.id
                      ORDER BY created_at DESC, id DESC LIMIT 1),
    last_update_at = (SELECT MAX(created_at) FROM updates WHERE task_id = tasks.id),
    last_percent = (SELECT percent FROM updates WHERE task_id = tasks.id AND percent IS NOT NULL
                    ORDER BY created_at DESC, id DESC LIMIT 1),
    done_at = (SELECT MIN(created_at) FROM updates WHERE task_id = tasks.id AND status = 'done'),
    note_count = (SELECT COUNT(*) FROM updates WHERE task_id = tasks.id);
UPDATE tasks SET last_blocked = coalesce((SELECT (u.status IS NOT DISTINCT FROM 'blocked'
    OR u.text LIKE '%vướng%' OR u.text LIKE '%khó khăn%' OR u.text LIKE '%chưa có kinh phí%')::int
    FROM updates u WHERE u.id = tasks.last_update_id), 0);

CREATE INDEX tasks_report ON tasks(unit_id, directive_id, status, deadline, done_at,
    last_update_at, last_blocked);
CREATE INDEX updates_task_time ON updates(task_id, created_at);
CREATE INDEX updates_task_done ON updates(task_id, created_at) WHERE status = 'done';
CREATE INDEX tasks_parent ON tasks(parent_task_id) WHERE parent_task_id IS NOT NULL;
