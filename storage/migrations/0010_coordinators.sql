-- A coordinating unit's task ("phối hợp") points at the lead task it shares, so its detail
-- names the lead and the lead's detail lists its coordinators.
ALTER TABLE tasks ADD COLUMN lead_task_id INTEGER REFERENCES tasks(id) ON DELETE SET NULL;
CREATE INDEX tasks_lead ON tasks(lead_task_id) WHERE lead_task_id IS NOT NULL;
