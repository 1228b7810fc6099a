-- The sweep reads the due index in (next_at, task_id) order, a batch at a time. With task_id in
-- the index that order is read straight from it; with next_at alone every batch sorted all the
-- due rows (SQLite's index already ends with the rowid, which is task_id: see ../0011).
DROP INDEX followups_due;
CREATE INDEX followups_due ON followups(next_at, task_id);
