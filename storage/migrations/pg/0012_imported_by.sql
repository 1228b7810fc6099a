-- PostgreSQL twin of ../0012_imported_by.sql.
ALTER TABLE directives ADD COLUMN imported_by BIGINT REFERENCES officials(id) ON DELETE SET NULL;
