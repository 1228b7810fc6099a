-- Reports look up, per task, the latest note up to a moment, whether a note falls in a
-- period, and when the task was marked done: one index seek each.
CREATE INDEX updates_task_time ON updates(task_id, created_at);
CREATE INDEX updates_task_done ON updates(task_id, created_at) WHERE status = 'done';
CREATE INDEX tasks_parent ON tasks(parent_task_id) WHERE parent_task_id IS NOT NULL;
