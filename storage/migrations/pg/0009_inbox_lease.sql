-- An update being handled belongs to one replica for a while (PostgreSQL; SQLite has one process).
ALTER TABLE inbox ADD COLUMN lease_until TEXT;
