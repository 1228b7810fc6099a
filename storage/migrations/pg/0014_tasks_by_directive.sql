-- PostgreSQL counts a summary's tasks per directive with a hash aggregate over tasks_report's
-- rows; the SQLite twin adds an index in directive order, which this engine does not need.
SELECT 1;
