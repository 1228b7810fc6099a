-- Who confirmed a directive's import: they are asked to set what the document left open
-- (a deadline, the period of a recurring report).
ALTER TABLE directives ADD COLUMN imported_by INTEGER REFERENCES officials(id) ON DELETE SET NULL;
