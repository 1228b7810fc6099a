-- PostgreSQL twin of ../0010_coordinators.sql.
ALTER TABLE tasks ADD COLUMN lead_task_id BIGINT REFERENCES tasks(id) ON DELETE SET NULL;
CREATE INDEX tasks_lead ON tasks(lead_task_id) WHERE lead_task_id IS NOT NULL;
