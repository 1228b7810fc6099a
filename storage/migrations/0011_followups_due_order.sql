-- The sweep reads the due index in (next_at, task_id) order. Here followups_due(next_at)
-- already holds that order (task_id is the rowid, which every SQLite index ends with), so this
-- step changes nothing; its PostgreSQL twin adds task_id to the index.
SELECT 1;
