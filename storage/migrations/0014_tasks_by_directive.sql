-- A summary of most of the organisation counts its tasks per unit in tasks_report's order and
-- per directive in this one's, instead of sorting a province's tasks by directive.
CREATE INDEX tasks_report_directive ON tasks(directive_id, unit_id, status, deadline, done_at,
    last_update_at, last_blocked);
