-- dondoc: foreign_keys off
-- Files made when their message is sent, after its text: a summary's chart ('chart', its
-- figures) and a report's Word and Excel files ('report', its scope and period). SQLite
-- cannot change a CHECK in place: the table is rebuilt.
CREATE TABLE outbox_files_new (
    outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('document', 'photo', 'chart', 'report')),
    data      BLOB NOT NULL,
    PRIMARY KEY (outbox_id, seq)
);
INSERT INTO outbox_files_new (outbox_id, seq, name, kind, data)
    SELECT outbox_id, seq, name, kind, data FROM outbox_files;
DROP TABLE outbox_files;
ALTER TABLE outbox_files_new RENAME TO outbox_files;
